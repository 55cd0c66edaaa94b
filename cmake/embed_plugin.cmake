# Writes the files of a plugin folder (FILES, '|'-separated paths relative to DIR)
# into OUT as a table named SYMBOL of {path, bytes, length}, ending with a NULL
# path, so that the binary carries a plugin it installs itself (the demo's).
# Run by the build (CMakeLists.txt, embed_plugin).
string(REPLACE "|" ";" files "${FILES}")
set(body "")
set(rows "")
set(i 0)
foreach(f ${files})
  file(READ ${DIR}/${f} hex HEX)
  string(LENGTH "${hex}" n)
  math(EXPR n "${n} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
  string(APPEND body "static const unsigned char ${SYMBOL}_${i}[] = {${hex} 0};\n")
  string(APPEND rows "    {\"${f}\", ${SYMBOL}_${i}, ${n}},\n")
  math(EXPR i "${i} + 1")
endforeach()
file(WRITE ${OUT} "/* Generated from ${DIR} by cmake/embed_plugin.cmake; do not edit. */\n"
                  "#include <stddef.h>\n"
                  "struct embedded_file { const char *path; const unsigned char *data; size_t len; };\n"
                  "${body}"
                  "const struct embedded_file ${SYMBOL}[] = {\n${rows}    {NULL, NULL, 0},\n};\n")
