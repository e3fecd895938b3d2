# Port knocking done the way the RouterOS guide describes it (../docs: port knocking), in the right order.
# rsc-lint examples/knock-good.rsc reports no errors on this file.
#
# Knock from a client, one port after another within 30 seconds:
#   for x in 2873,7411,4159; do nmap -Pn --max-retries 0 -p $x ROUTER_WAN_IP; done
# The ports are above 1024, not in ascending or descending order, not well-known services and outside
# the blacklist ranges below (the guide's own 888,555,222 work too, but rsc-lint warns about them).

/interface list
add name=WAN comment="internet side"
add name=LAN comment="local side"
/interface list member
add list=WAN interface=ether1
add list=LAN interface=bridge

/ip firewall filter
# Blacklisted sources are dropped first, before they can knock (disabled until the knock is proven).
add action=drop chain=input disabled=yes in-interface-list=WAN src-address-list=blacklist \
    comment="drop blacklisted sources"

# The knock sequence: each stage requires the previous stage's list.
add action=add-src-to-address-list address-list=knock1 address-list-timeout=30s chain=input \
    dst-port=2873 in-interface-list=WAN protocol=tcp comment="knock stage 1"
add action=add-src-to-address-list address-list=knock2 address-list-timeout=30s chain=input \
    dst-port=7411 in-interface-list=WAN protocol=tcp src-address-list=knock1 comment="knock stage 2"
add action=add-src-to-address-list address-list=secured address-list-timeout=30m chain=input \
    dst-port=4159 in-interface-list=WAN protocol=tcp src-address-list=knock2 comment="knock stage 3"
# Clients that completed the sequence reach the router's services.
add action=accept chain=input in-interface-list=WAN src-address-list=secured comment="knocked clients"

# Blacklist: added disabled; enable both once the knock sequence works (the guide: enable numbers=5,6).
add action=add-src-to-address-list address-list=blacklist address-list-timeout=1000m chain=input \
    disabled=yes dst-port=666 in-interface-list=WAN protocol=tcp comment="bad port"
add action=add-src-to-address-list address-list=blacklist address-list-timeout=1m chain=input \
    disabled=yes dst-port=21,22,23,8291,10000-60000 in-interface-list=WAN protocol=tcp \
    src-address-list=!secured comment="scanners of common ports"

# The usual input chain around it.
add action=accept chain=input connection-state=established,related,untracked comment="established"
add action=drop chain=input connection-state=invalid comment="invalid"
add action=accept chain=input protocol=icmp comment="icmp"
add action=accept chain=input in-interface-list=LAN comment="from LAN"
add action=drop chain=input in-interface-list=WAN comment="drop everything else from WAN"
