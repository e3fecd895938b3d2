:local a 5
:global cfg {1;2;3}
:local arr {a=1;"b"=2;c={x=1}}
:set a ($a + 1 * 2)
:put ("x" . $a . [:len $arr])
:if ($a > 3 && $b != "x") do={ :put yes } else={ :put no }
:for i from=1 to=10 step=2 do={ :put $i }
:foreach k,v in=$arr do={ :put "$k=$v" }
:while ($a < 10) do={ :set a ($a + 1) }
:do { :put 1 } while=($a < 3)
:do { :error "x" } on-error={ :put "caught" }
:do {
  :put 2
} on-error {
  :put "old form"
}
:onerror e in={ :error "boom" } do={ :put $e }
onerror e {
  :error "v7"
} do={ :put $e }
:retry { :put try } delay=500ms max=5
:global f do={ :return ($1 + $a) }
:put [$f 2 a=1]
$f "x"
:local r ([:deserialize $s delimiter="/" from=dsv options=dsv.plain]->0)
:local q $"quoted-name"
:put (!$ok)
:put (-1)
:put ($x in 10.0.0.0/8)
:put ($a->"k"->0)
:put (($a << 2) | ($b & 0xFF) ^ ~$c)
:put ("a" ~ "^a")
:put ($a % 3 / 2)
:put ($a, $b)
:put (any $x)
{
  :local inner 1
  /ip address
  print
}
