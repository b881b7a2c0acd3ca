#include "scenarios/schedule.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numeric>

namespace swarmlab::scenarios {

namespace {

net::Duration seconds_to_duration(double seconds) {
  assert(seconds >= 0);
  return net::Duration(static_cast<std::int64_t>(std::llround(seconds * 1e9)));
}

}  // namespace

std::vector<net::Duration> arrival_times(const GroupSpec& group, net::Rng& rng) {
  const Arrival& arrival = group.arrival;
  std::vector<net::Duration> times;
  times.reserve(group.count);
  net::Duration poisson_time = arrival.start;
  for (std::uint32_t index = 0; index < group.count; ++index) {
    switch (arrival.process) {
      case ArrivalProcess::at_once:
        times.push_back(arrival.start);
        break;
      case ArrivalProcess::uniform:
        times.push_back(arrival.start +
                        net::Duration(static_cast<std::int64_t>(
                            rng.below(static_cast<std::uint64_t>(arrival.window.count()) + 1))));
        break;
      case ArrivalProcess::poisson:
        assert(arrival.rate_per_second > 0);
        poisson_time += seconds_to_duration(rng.exponential(1.0 / arrival.rate_per_second));
        times.push_back(poisson_time);
        break;
      case ArrivalProcess::file:
        assert(index < arrival.times.size());
        times.push_back(arrival.times[index]);
        break;
    }
  }
  std::sort(times.begin(), times.end());
  assert(times.size() == group.count);
  return times;
}

std::vector<std::optional<std::size_t>> class_assignment(const GroupSpec& group, net::Rng& rng) {
  std::vector<std::optional<std::size_t>> classes;
  if (group.classes.empty()) {
    classes.assign(group.count, std::nullopt);
    return classes;
  }
  double weight_total = 0;
  for (const ClassShare& share : group.classes)
    weight_total += share.weight;
  assert(weight_total > 0);
  // Largest remainders: floor shares first, then one more to the largest fractions (ties by order).
  std::vector<std::uint32_t> counts;
  std::vector<std::pair<double, std::size_t>> remainders;
  std::uint32_t assigned = 0;
  for (std::size_t index = 0; index < group.classes.size(); ++index) {
    const double exact = group.count * group.classes[index].weight / weight_total;
    counts.push_back(static_cast<std::uint32_t>(std::floor(exact)));
    assigned += counts.back();
    remainders.emplace_back(exact - std::floor(exact), index);
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t position = 0; assigned < group.count; ++position, ++assigned)
    ++counts[remainders[position % remainders.size()].second];
  for (std::size_t index = 0; index < group.classes.size(); ++index)
    classes.insert(classes.end(), counts[index], group.classes[index].class_index);
  rng.shuffle(std::span(classes));
  assert(classes.size() == group.count);
  return classes;
}

std::vector<bool> initial_pieces(const InitialContent& content, std::uint32_t piece_count,
                                 net::Rng& rng) {
  std::vector<bool> pieces(piece_count, content.kind == ContentKind::seed);
  if (content.kind != ContentKind::fraction) return pieces;
  constexpr std::uint64_t denominator = 1'000'000;
  const auto numerator = static_cast<std::uint64_t>(std::llround(content.fraction * denominator));
  for (std::uint32_t piece = 0; piece < piece_count; ++piece)
    pieces[piece] = rng.chance(std::min(numerator, denominator), denominator);
  return pieces;
}

std::optional<net::Duration> seeding_time(const Departure& departure, net::Rng& rng) {
  switch (departure.policy) {
    case DeparturePolicy::stay:
      return std::nullopt;
    case DeparturePolicy::on_completion:
      return net::Duration(0);
    case DeparturePolicy::seed_for:
      return departure.seed_time;
    case DeparturePolicy::exponential: {
      const double mean_seconds = std::chrono::duration<double>(departure.seed_time).count();
      assert(mean_seconds > 0);
      return seconds_to_duration(rng.exponential(mean_seconds));
    }
  }
  return std::nullopt;
}

}  // namespace swarmlab::scenarios
