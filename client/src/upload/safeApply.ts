// Safe apply: a dead man's switch on the router while the new script goes in.
//
// Mechanism (chosen because it restores *everything*, users and passwords included):
//   1. `/system backup save name=N dont-encrypt=yes`         full binary backup of the current config
//   2. `/system scheduler add name=N interval=Mm on-event=...` fires once, M minutes later:
//        removes itself, then `/system backup load name=N.backup password=""` (restore + reboot)
//   3. import the script
//   4. prove access with a brand-new login (new connection, full authentication)
//   5. disarm: remove the scheduler entry and the backup file
// The backup is saved BEFORE the scheduler entry exists, so the restored configuration holds no
// scheduler entry and cannot loop. If step 4 fails nothing more is sent: the router reverts itself.
//
// Rejected alternative: `/export` + `/system reset-configuration run-after-reset=...`: an export lacks
// user passwords, certificates and keys, so the "restored" router could lock the user out for good.
//
// Risks (told to the user in the README): the revert reboots the router (a minute or two of outage);
// anything changed on the router between arming and the revert is lost too; the timer counts from when
// the scheduler entry was added (RouterOS runs an interval entry first one interval after its start
// time); a router without room for the backup file fails step 1 and the upload stops before importing.

export function safeApplyName(stamp: string): string {
  return `rsc-safe-${stamp}`;
}

export function armCommands(name: string, minutes: number): string[] {
  const onEvent = `/system scheduler remove [find name="${name}"]; /system backup load name="${name}.backup" password=""`;
  return [
    `/system backup save name="${name}" dont-encrypt=yes`,
    `/system scheduler add name="${name}" interval=${minutes}m policy=ftp,reboot,read,write,policy,test,password,sensitive on-event="${onEvent.replace(/"/g, '\\"')}"`,
  ];
}

/** Prints `armed` when both the backup file and the scheduler entry exist. */
export function armCheckCommand(name: string): string {
  return `:if (([:len [/file find name="${name}.backup"]] > 0) && ([:len [/system scheduler find name="${name}"]] > 0)) do={:put "armed"} else={:put "not armed"}`;
}

export function disarmCommands(name: string): string[] {
  return [`/system scheduler remove [find name="${name}"]`, `/file remove [find name="${name}.backup"]`];
}

/** A harmless command whose answer proves a fresh login works. */
export const ALIVE_COMMAND = ':put "rsc-alive"';
export const ALIVE_ANSWER = 'rsc-alive';
