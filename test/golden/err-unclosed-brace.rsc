:if ($a = 1) do={
  :put "missing close"
:put "next"
