/ip firewall filter
add chain=input action=accept connection-state=established,related
/ip/firewall/filter/add chain=input action=drop in-interface=!bridge
/ip/firewall filter add chain=forward
/interface ethernet set [ find default-name=ether1 ] name=wan
.. set 0 comment=x
set *1A disabled=yes
/system reboot
/tool fetch url="https://example.com/a?b=c" dst-path=x
/ping 8.8.8.8 count=3
/ip address print where interface=ether1 and !disabled
/ip firewall filter add chain=input place-before=0 comment="first"
/ip firewall filter remove numbers=3
/
