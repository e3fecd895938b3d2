:put 1 ]
}
:put 2
{ :put 3 ) }
:put (1 + )
