:put "quote \" backslash \\ nl \n cr \r tab \t dollar \$ q \? sp \_ bell \a bs \b ff \f vt \v hex \41\42"
:put "utf8 \D0\9E\D0\B1"
:put "interp $name and $"quoted-var" end"
:put "sub $[/system identity get name] paren $($a + 1) done"
:put "wrapped \
    across lines"
:log info message="on-event is a name"
/system scheduler add name=s on-event=my-script-name interval=1h
/system scheduler add name=t on-event=":log info \"tick\"; /system script run s"
/system script add name=u source="/ip firewall filter\r\
    \nadd chain=input action=drop src-address=\$bad\r\
    \n"
/system script add name=v source={
  :put "block source"
  /ip firewall address-list add list=x address=1.2.3.4
}
:local code [:parse ":put hello"]
/tool netwatch add host=1.1.1.1 up-script=":log info up" down-script="/ip route disable 0"
/ip firewall layer7-protocol add name=pass regexp="^passphrase$"
