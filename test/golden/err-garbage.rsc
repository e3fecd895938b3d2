:put a \ b
:local x $
:put ok
