# Every dependency comes from a Debian package installed by scripts/setup.
find_package(Boost 1.81 REQUIRED CONFIG)
find_package(OpenSSL REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(fmt REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(tomlplusplus CONFIG REQUIRED)
find_package(Threads REQUIRED)
if(SWARMLAB_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()

# A layer library: all .cpp files of its folder. Layers without sources yet are interface targets so
# that dependents can already name them.
function(swarmlab_layer name)
  cmake_parse_arguments(LAYER "" "" "DEPENDS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  if(sources)
    add_library(${name} STATIC ${sources})
    target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
    target_link_libraries(${name} PUBLIC ${LAYER_DEPENDS})
  else()
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${PROJECT_SOURCE_DIR})
    target_link_libraries(${name} INTERFACE ${LAYER_DEPENDS})
  endif()
  add_library(swarmlab::${name} ALIAS ${name})
endfunction()

# Asio and Beast are compiled once, in net/ (separate compilation), and their headers are
# precompiled once, in the swarmlab_pch object library, and reused by every target that uses them,
# so they do not make the build crawl.
set(SWARMLAB_ASIO_DEFINITIONS
    BOOST_ASIO_SEPARATE_COMPILATION BOOST_BEAST_SEPARATE_COMPILATION BOOST_ASIO_NO_DEPRECATED)
function(swarmlab_use_asio_pch target)
  get_target_property(type ${target} TYPE)
  if(NOT type STREQUAL "INTERFACE_LIBRARY")
    target_precompile_headers(${target} REUSE_FROM swarmlab_pch)
  endif()
endfunction()
