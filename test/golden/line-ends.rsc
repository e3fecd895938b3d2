:put "bom"
:put "crlf"
:put "cr":put "no final newline"