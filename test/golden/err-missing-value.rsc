:local x !
:put ($a +)
:put (* 2)
:put "fine"
