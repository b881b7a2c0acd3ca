// Anchor for the precompiled Asio/Beast header (see CMakeLists.txt).
