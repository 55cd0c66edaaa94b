# cmake -DMSG=TEXT -P fail.cmake: a test that cannot run fails, saying why.
message(FATAL_ERROR "${MSG}")
