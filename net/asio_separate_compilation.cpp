// Asio and Beast are built in separate-compilation mode: their out-of-line parts are compiled once,
// here, instead of in every translation unit that includes them.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
