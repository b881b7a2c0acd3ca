#include "tests/runtime/host_suite.hpp"

#include <string>

namespace swarmlab::runtime_test {

INSTANTIATE_TEST_SUITE_P(Backends, HostSuite,
                         ::testing::ValuesIn(world_names().begin(), world_names().end()),
                         [](const ::testing::TestParamInfo<std::string_view>& backend) {
                           return std::string(backend.param);
                         });

}  // namespace swarmlab::runtime_test
