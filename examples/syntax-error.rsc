# Syntax errors: rsc-lint reports each one as parse-error and keeps going at the next command.

/ip firewall filter
add chain=input action=accept protocol=tcp dst-port=22 comment="ssh
add chain=input action=drop in-interface=ether1

:local count 0
:if ($count > 0 do={ :put "never closed" }
:foreach i in={1;2;3} do={
    :set count ($count + $i)
:put "the block above is missing its closing brace"
