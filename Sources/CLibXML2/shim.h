#include <libxml/xmlversion.h>
// libxml2's headers include the system's ICU headers only for two pointer fields at the end of
// its encoding handler struct, which ingestd never touches. Those headers clash with
// Foundation's own copy of ICU (UErrorCode defined twice) in any module that sees both, so
// they are kept out; no struct used here changes its layout.
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <libxml/encoding.h>
#include <libxml/xmlerror.h>
