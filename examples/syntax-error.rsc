# Syntax errors: rsc-lint reports each one as parse-error and keeps going at the next command,
# so one mistake does not hide the rest of the file.

/ip firewall filter
# A stray closing parenthesis.
add chain=input action=accept protocol=tcp dst-port=22 comment=ssh)
add chain=input action=drop in-interface=ether1

# A command substitution that is never closed.
:local addr [/ip address get [find interface=ether1] address
:put $addr

# A loop body without its closing brace.
:foreach i in={1;2;3} do={
    :put $i
