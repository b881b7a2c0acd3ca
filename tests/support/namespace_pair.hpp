// NamespacePair: two network namespaces joined by a veth pair, for interop tests with clients that
// ignore loopback peers (Transmission). Needs root and `ip netns`; problem() says when they could
// not be made, and the test skips.
#pragma once

#include "tests/support/run_process.hpp"

#include <unistd.h>

#include <string>
#include <string_view>
#include <vector>

namespace swarmlab::test {

// Namespaces "swl-<label>-a-<pid>" and "-b-" with addresses 10.<octet>.N.1/30 and .2/30 (N from the
// process id, so that concurrent test processes do not collide); removed on destruction.
class NamespacePair {
 public:
  NamespacePair(std::string_view label, int second_octet) {
    const std::string tag = std::to_string(::getpid() % 100000);
    const std::string subnet =
        "10." + std::to_string(second_octet) + "." + std::to_string(::getpid() % 250) + ".";
    names_ = {"swl-" + std::string(label) + "-a-" + tag, "swl-" + std::string(label) + "-b-" + tag};
    addresses_ = {subnet + "1", subnet + "2"};
    const std::string link_a = "swl" + std::string(label.substr(0, 1)) + "a" + tag;
    const std::string link_b = "swl" + std::string(label.substr(0, 1)) + "b" + tag;
    const std::vector<std::vector<std::string>> steps = {
        {"ip", "netns", "add", names_[0]},
        {"ip", "netns", "add", names_[1]},
        {"ip", "link", "add", link_a, "type", "veth", "peer", "name", link_b},
        {"ip", "link", "set", link_a, "netns", names_[0]},
        {"ip", "link", "set", link_b, "netns", names_[1]},
        {"ip", "-n", names_[0], "addr", "add", addresses_[0] + "/30", "dev", link_a},
        {"ip", "-n", names_[1], "addr", "add", addresses_[1] + "/30", "dev", link_b},
        {"ip", "-n", names_[0], "link", "set", link_a, "up"},
        {"ip", "-n", names_[1], "link", "set", link_b, "up"},
        {"ip", "-n", names_[0], "link", "set", "lo", "up"},
        {"ip", "-n", names_[1], "link", "set", "lo", "up"},
    };
    created_ = true;
    for (const auto& step : steps) {
      const auto result = run_process(step);
      if (result.exit_code != 0) {
        problem_ = "`" + step[0] + " " + step[1] + " " + step[2] + " ...` failed: " + result.err;
        return;
      }
    }
  }
  ~NamespacePair() {
    if (!created_) return;
    // Deleting a namespace deletes the veth end inside it, and with it the pair.
    for (const std::string& name : names_)
      run_process({"ip", "netns", "del", name});
  }
  NamespacePair(const NamespacePair&) = delete;
  NamespacePair& operator=(const NamespacePair&) = delete;

  const std::string& problem() const { return problem_; }
  std::vector<std::string> exec_in(int side) const { return {"ip", "netns", "exec", names_[side]}; }
  const std::string& address(int side) const { return addresses_[side]; }

 private:
  std::vector<std::string> names_;
  std::vector<std::string> addresses_;
  bool created_ = false;
  std::string problem_;
};

}  // namespace swarmlab::test
