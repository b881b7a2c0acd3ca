// The fault timeline of a scenario: `[[faults]]` entries, each an action at a time.
#include "scenarios/spec_decode.hpp"

#include <algorithm>
#include <array>

namespace swarmlab::scenarios {

namespace {

constexpr std::array<std::pair<std::string_view, FaultAction>, 8> fault_choices{
    {{"partition", FaultAction::partition},
     {"heal", FaultAction::heal},
     {"crash", FaultAction::crash},
     {"restart", FaultAction::restart},
     {"set_link", FaultAction::set_link},
     {"tracker_down", FaultAction::tracker_down},
     {"tracker_up", FaultAction::tracker_up},
     {"corrupt", FaultAction::corrupt}}};

// A list of group names, as indices into spec.groups.
std::vector<std::size_t> group_list(TableReader& reader, std::string_view key,
                                    const ScenarioSpec& spec) {
  std::vector<std::size_t> indices;
  const toml::array* names = reader.array(key);
  if (names == nullptr) return indices;
  for (const toml::node& name : *names) {
    const auto* text = name.as_string();
    const auto found =
        text == nullptr
            ? spec.groups.end()
            : std::find_if(spec.groups.begin(), spec.groups.end(),
                           [&](const GroupSpec& group) { return group.name == text->get(); });
    if (found == spec.groups.end()) {
      reader.error(name, reader.name(key) + ": not the name of a group");
      continue;
    }
    indices.push_back(static_cast<std::size_t>(found - spec.groups.begin()));
  }
  return indices;
}

std::optional<std::size_t> named_index(TableReader& reader, std::string_view key,
                                       std::span<const std::string> names) {
  const toml::node* node = reader.get(key);
  if (node == nullptr) return std::nullopt;
  const auto* text = node->as_string();
  for (std::size_t index = 0; text != nullptr && index < names.size(); ++index) {
    if (names[index] == text->get()) return index;
  }
  reader.error(*node, reader.name(key) + ": no such name");
  return std::nullopt;
}

// Which keys each action needs; a key given to an action that ignores it is a mistake too.
struct ActionKeys {
  bool groups = false;
  bool other_groups = false;
  bool bandwidth = false;
  bool tracker = false;
  bool corrupt = false;
};

ActionKeys keys_of(FaultAction action) {
  switch (action) {
    case FaultAction::partition:
      return {.groups = true, .other_groups = true};
    case FaultAction::heal:
      return {};
    case FaultAction::crash:
    case FaultAction::restart:
      return {.groups = true};
    case FaultAction::set_link:
      return {.groups = true, .bandwidth = true};
    case FaultAction::tracker_down:
    case FaultAction::tracker_up:
      return {.tracker = true};
    case FaultAction::corrupt:
      return {.groups = true, .corrupt = true};
  }
  return {};
}

void reject_unused(TableReader& reader, const ActionKeys& keys) {
  const std::pair<std::string_view, bool> uses[] = {
      {"groups", keys.groups},        {"from_groups", keys.other_groups},
      {"one_way", keys.other_groups}, {"bandwidth", keys.bandwidth},
      {"tracker", keys.tracker},      {"corrupt", keys.corrupt}};
  for (const auto& [key, used] : uses) {
    if (!used && reader.has(key)) {
      reader.error(*reader.get(key), reader.name(key) + " does not apply to this action");
    }
  }
}

void decode_fault(TableReader& reader, const ScenarioSpec& spec, FaultSpec& fault) {
  if (!reader.has("at_s"))
    reader.diagnostics().add(reader.table(), reader.path() + ": at_s is missing");
  if (const auto at = reader.seconds("at_s")) fault.at = *at;
  const auto action = reader.choice("action", Choices<FaultAction>(fault_choices));
  if (!action) {
    if (!reader.has("action"))
      reader.diagnostics().add(reader.table(), reader.path() + ": action is missing");
    return;
  }
  fault.action = *action;
  const ActionKeys keys = keys_of(fault.action);
  reject_unused(reader, keys);
  if (keys.groups) {
    fault.groups = group_list(reader, "groups", spec);
    if (fault.groups.empty())
      reader.diagnostics().add(reader.table(),
                               reader.path() + ": groups = [\"NAME\", ...] is missing");
  }
  if (keys.other_groups) {
    fault.other_groups = group_list(reader, "from_groups", spec);
    if (const auto one_way = reader.boolean("one_way")) fault.one_way = *one_way;
  }
  if (keys.bandwidth) {
    std::vector<std::string> names;
    for (const BandwidthClass& bandwidth : spec.network.classes)
      names.push_back(bandwidth.name);
    const auto index = named_index(reader, "bandwidth", names);
    if (index) fault.class_index = *index;
    if (!reader.has("bandwidth"))
      reader.diagnostics().add(reader.table(), reader.path() + ": bandwidth is missing");
  }
  if (keys.tracker) {
    std::vector<std::string> names;
    for (const TrackerSpec& tracker : spec.trackers)
      names.push_back(tracker.name);
    if (names.size() == 1 && !reader.has("tracker")) {
      fault.tracker_index = 0;
    } else if (const auto index = named_index(reader, "tracker", names)) {
      fault.tracker_index = *index;
    } else if (!reader.has("tracker")) {
      reader.diagnostics().add(
          reader.table(), reader.path() + ": tracker = \"NAME\" is missing (the scenario has " +
                              std::to_string(names.size()) + " trackers)");
    }
  }
  if (keys.corrupt) {
    if (const auto corrupt = reader.boolean("corrupt")) fault.corrupt = *corrupt;
  }
}

}  // namespace

void decode_faults(TableReader& reader, ScenarioSpec& spec) {
  const toml::array* faults = reader.array("faults");
  if (faults == nullptr) return;
  if (faults->size() > limits::fault_count_max) {
    reader.error(*faults, "more than " + std::to_string(limits::fault_count_max) + " faults");
    return;
  }
  for (std::size_t index = 0; index < faults->size(); ++index) {
    const toml::node& node = *faults->get(index);
    if (!node.is_table()) {
      reader.error(node, "faults." + std::to_string(index) + " must be a table");
      continue;
    }
    FaultSpec fault;
    TableReader fault_reader(*node.as_table(), "faults." + std::to_string(index),
                             reader.diagnostics());
    decode_fault(fault_reader, spec, fault);
    spec.faults.push_back(std::move(fault));
  }
  // Faults at the same time apply in file order.
  std::stable_sort(spec.faults.begin(), spec.faults.end(),
                   [](const FaultSpec& a, const FaultSpec& b) { return a.at < b.at; });
}

}  // namespace swarmlab::scenarios
