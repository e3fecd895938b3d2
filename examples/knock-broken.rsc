# A port-knocking setup with the mistakes people make when they paste the guide into an existing
# firewall. Try: npx rsc-lint examples/knock-broken.rsc   (examples/knock-good.rsc is the fixed version)

/interface list
add name=WAN
add name=LAN
/interface list member
add list=WAN interface=ether1
add list=LAN interface=bridge

/ip firewall filter
add action=accept chain=input connection-state=established,related comment="established"
add action=drop chain=input connection-state=invalid comment="invalid"
add action=accept chain=input protocol=icmp comment="icmp"
# "Temporary" Winbox and SSH access from anywhere: the knock protects nothing while this is here.
add action=accept chain=input dst-port=22,8291 in-interface-list=WAN protocol=tcp comment="remote admin"
add action=accept chain=input in-interface-list=LAN comment="from LAN"
add action=drop chain=input in-interface-list=WAN comment="drop everything else from WAN"

# Knock rules pasted afterwards: `add` appends them BELOW the drop above, so they never see a packet.
# The ports go up one by one, and sit inside the blacklist's 10000-60000 range.
add action=add-src-to-address-list address-list=knock1 address-list-timeout=30s chain=input \
    dst-port=10001 in-interface-list=WAN protocol=tcp comment="knock stage 1"
add action=add-src-to-address-list address-list=knock2 chain=input \
    dst-port=10002 in-interface-list=WAN protocol=tcp src-address-list=knock1 comment="knock stage 2, no timeout"
# Stage 3 forgot src-address-list=knock2: one hit on 10003 alone grants access.
add action=add-src-to-address-list address-list=secured address-list-timeout=1w chain=input \
    dst-port=10003 in-interface-list=WAN protocol=tcp comment="knock stage 3"
add action=accept chain=input in-interface-list=WAN src-address-list=secured comment="knocked clients"

# The blacklist, enabled straight away, and its drop at the bottom instead of the top.
add action=add-src-to-address-list address-list=blacklist address-list-timeout=1000m chain=input \
    dst-port=666 in-interface-list=WAN protocol=tcp comment="bad port"
add action=add-src-to-address-list address-list=blacklist address-list-timeout=1m chain=input \
    dst-port=21,22,23,8291,10000-60000 in-interface-list=WAN protocol=tcp src-address-list=!secured \
    comment="scanners of common ports"
add action=drop chain=input in-interface-list=WAN src-address-list=blacklist comment="drop blacklisted"
