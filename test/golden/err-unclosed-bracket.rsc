:local x [/system identity get name
:put "after"
