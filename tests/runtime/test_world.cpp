#include "tests/runtime/test_world.hpp"

#include <array>
#include <cassert>

namespace swarmlab::runtime_test {

namespace {

struct WorldFactory {
  std::string_view name;
  std::unique_ptr<TestWorld> (*make)();
};

// Adding a backend to every suite in this folder is one line here.
constexpr std::array world_factories = {
    WorldFactory{"real", make_real_world},
    WorldFactory{"sim", make_sim_world},
};

constexpr auto world_factory_names = [] {
  std::array<std::string_view, world_factories.size()> names{};
  for (std::size_t i = 0; i < world_factories.size(); ++i)
    names[i] = world_factories[i].name;
  return names;
}();

}  // namespace

std::span<const std::string_view> world_names() {
  return world_factory_names;
}

std::unique_ptr<TestWorld> make_world(std::string_view backend) {
  for (const WorldFactory& factory : world_factories)
    if (factory.name == backend) return factory.make();
  assert(false && "unknown test world backend");
  return nullptr;
}

}  // namespace swarmlab::runtime_test
