# Warnings are errors everywhere; sanitizers are a whole-build switch so that every library and test
# shares one runtime.
add_compile_options(
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual -Wcast-align
  -Wimplicit-fallthrough -Werror)

if(SWARMLAB_SANITIZE)
  # With the sanitizers' instrumentation GCC 12 reports false maybe-uninitialized positives in code
  # we do not own (Beast's parser, boost::optional).
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer -Wno-maybe-uninitialized)
  add_link_options(-fsanitize=address,undefined)
endif()

# GCC 12's -Wmismatched-new-delete misfires on Asio's coroutine frames (their class-specific
# operator new/delete) in optimised builds too, depending on how a coroutine is inlined.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  add_compile_options(-Wno-mismatched-new-delete)
endif()

if(SWARMLAB_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SWARMLAB_FUZZ needs clang: configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  # Instrument the libraries for coverage; only the fuzz executables link libFuzzer's main.
  # Clang 14's function-type check cannot compile coroutines with debug information ("cannot
  # represent a difference across sections"); the fuzzed parsers call no function pointers.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=function)
  add_link_options(-fsanitize=address,undefined)
endif()
