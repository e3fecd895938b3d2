# 2024-01-01 12:00:00 by RouterOS 7.15
# software id = ABCD-1234
/interface bridge
add admin-mac=00:11:22:33:44:55 auto-mac=no comment=defconf name=bridge
/ip firewall filter
add action=accept chain=input comment=\
    "defconf: accept established,related,untracked" connection-state=\
    established,related,untracked
add action=drop chain=input comment="defconf: drop all not coming from \
    LAN" in-interface-list=!LAN
/ip service
set telnet disabled=yes
set *FFFFFFFE address-list="" !bridge !bridge-horizon
