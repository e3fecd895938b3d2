/ip firewall filter add chain=input src-address=10.0.0.0/8 dst-address=192.168.1.1-192.168.1.9 dst-port=21,22,10000-60000 protocol=tcp
/ip firewall filter add chain=input src-address-list=!secured dst-port=!1,2,3 src-mac-address=00:11:22:AA:BB:CC
/ip firewall address-list add list=knock address-list-timeout=1d2h3m4s timeout=00:30:00 comment=200ms
/ipv6 firewall filter add chain=input src-address=fe80::/10 dst-address=::1/128
/interface wireless set wlan1 .ssid=home
/ip firewall filter add chain=input comment= action=drop
/ip hotspot walled-garden add dst-host=*.example.com
/ip firewall filter add chain=input dst-port=($ports->"ssh")
/ip dns static add name=x.lan address=$ip ttl=1h
/system script add name=w policy=read,write
