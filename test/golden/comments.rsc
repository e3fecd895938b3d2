#!rsc by RouterOS
# a header comment
:local attempt 3; # trailing after semicolon
/ip firewall filter add chain=input	# tab then comment
  # indented comment
:put "# not a comment"
:put 1
