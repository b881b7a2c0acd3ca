// HostSuite: the parameterised fixture every backend-independent runtime test uses. The parameter
// is a backend name from world_names(); host_suite.cpp instantiates the suite once per backend.
#pragma once

#include "tests/runtime/test_actors.hpp"
#include "tests/runtime/test_world.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <exception>
#include <memory>
#include <string_view>

namespace swarmlab::runtime_test {

using namespace std::chrono_literals;

class HostSuite : public ::testing::TestWithParam<std::string_view> {
 protected:
  // Every test finishes in well under a second of work; the limit only stops a broken one.
  static constexpr net::Duration run_limit = 20s;

  std::unique_ptr<TestWorld> world = make_world(GetParam());
};

// How a spawned task ended.
struct TaskExit {
  bool finished = false;
  net::error_code code;  // Success, or the error it was stopped by.
};

inline net::Host::ExitHandler record_exit(TaskExit& exit) {
  return [&exit](std::exception_ptr failure) {
    exit.finished = true;
    exit.code = exit_code(failure);
  };
}

// Runs `task` and keeps its result.
template <class T>
asio::awaitable<void> keep_result(asio::awaitable<T> task, T& result) {
  result = co_await std::move(task);
}

// A listener on the host's first address, on a free port.
inline net::Listener listen_on_free_port(net::Host& host) {
  auto listener = host.listen({host.addresses().front(), 0});
  EXPECT_TRUE(listener.has_value()) << listener.error().message();
  return std::move(listener).value();
}

// Where clients reach `listener` on `host`.
inline net::Endpoint reachable_endpoint(net::Host& host, const net::Listener& listener) {
  return {host.addresses().front(), listener.local_endpoint().port};
}

}  // namespace swarmlab::runtime_test
