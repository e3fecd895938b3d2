:if ($a = 1 do={ :put 1 }
:put "recovered on the next line"
