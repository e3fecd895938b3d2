// Building blocks of the checks' runnable examples (meta.examples), so each example reads like the guide.

/** A clean three-stage knock in /export form: stages above the accept, the accept above the WAN drop. */
export const GOOD_KNOCK = `/ip firewall filter
add chain=input action=add-src-to-address-list address-list=knock1 address-list-timeout=30s \\
    dst-port=7391 in-interface-list=WAN protocol=tcp comment="knock 1"
add chain=input action=add-src-to-address-list address-list=knock2 address-list-timeout=30s \\
    dst-port=4263 in-interface-list=WAN protocol=tcp src-address-list=knock1 comment="knock 2"
add chain=input action=add-src-to-address-list address-list=secured address-list-timeout=30m \\
    dst-port=9127 in-interface-list=WAN protocol=tcp src-address-list=knock2 comment="knock 3"
add chain=input action=accept in-interface-list=WAN src-address-list=secured comment="knocked"
add chain=input action=drop in-interface-list=WAN comment="drop all from WAN"
`;
