:put "ok"
:put "never closed
:put "swallowed"
