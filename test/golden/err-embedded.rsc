/system script add name=a source=":put (1 + "
/system script add name=b source=":put \$x"
/system script add name=c source=":put ($x + $y"
