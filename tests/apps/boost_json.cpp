// Boost.JSON is header-only here: this is the one translation unit of this test program that
// compiles its implementation.
#include <boost/json/src.hpp>
