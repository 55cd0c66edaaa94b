# Writes the bytes of IN as a NUL-terminated C array named SYMBOL into OUT, so
# that the binary carries a text file of the source tree (the demo agenda
# script, the agenda DSL's Lua prelude).  Run by the build (CMakeLists.txt).
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
file(WRITE ${OUT} "/* Generated from ${NAME} by cmake/embed_file.cmake; do not edit. */\n"
                  "const char ${SYMBOL}[] = {${hex} 0};\n")
