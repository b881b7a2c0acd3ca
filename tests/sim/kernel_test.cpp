// The kernel's contracts: the event queue's order, the executor's (FIFO, never inline, strands),
// per-operation cancellation through handlers' slots, and a clean teardown of a world destroyed
// with coroutines suspended on every kind of operation.
#include "sim/event_queue.hpp"
#include "tests/sim/sim_test_support.hpp"

#include <gtest/gtest.h>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/strand.hpp>

#include <map>

namespace swarmlab::sim::test {
namespace {

using namespace boost::asio::experimental::awaitable_operators;

class RecordingEvent final : public Event {
 public:
  RecordingEvent(std::vector<int>& log, int name) : log_(&log), name_(name) {}
  ~RecordingEvent() override = default;
  void fire() override { log_->push_back(name_); }

 private:
  std::vector<int>* log_;
  int name_;
};

TEST(EventQueue, OrdersByTimeThenSchedulingOrder) {
  EventQueue queue;
  std::vector<int> log;
  std::vector<std::unique_ptr<RecordingEvent>> events;
  for (int i = 0; i < 6; ++i)
    events.push_back(std::make_unique<RecordingEvent>(log, i));
  queue.schedule(*events[0], TimePoint(30ns));
  queue.schedule(*events[1], TimePoint(10ns));
  queue.schedule(*events[2], TimePoint(30ns));
  queue.schedule(*events[3], TimePoint(10ns));
  queue.schedule(*events[4], TimePoint(20ns));
  queue.schedule(*events[5], TimePoint(5ns));
  queue.cancel(*events[5]);
  // Rescheduling takes a fresh sequence number: 1 now comes after 3.
  queue.schedule(*events[1], TimePoint(10ns));
  while (!queue.empty())
    queue.pop().fire();
  EXPECT_EQ(log, (std::vector<int>{3, 1, 4, 0, 2}));
}

// Drives an EventQueue and a reference model (an ordered map) with the same random schedules,
// cancellations and pops, and checks that they agree at every step. `delay_for(event)` picks how
// far ahead of now an event is scheduled. `far_popped`, when given, counts the events popped that
// had been scheduled a second or more ahead.
template <class DelayFor>
void check_against_model(int event_count, int operation_count, DelayFor delay_for,
                         int* far_popped = nullptr) {
  net::Rng rng(5);
  EventQueue queue;
  std::vector<int> log;
  std::vector<std::unique_ptr<RecordingEvent>> events;
  for (int i = 0; i < event_count; ++i)
    events.push_back(std::make_unique<RecordingEvent>(log, i));
  // The model: (time, sequence) -> event, and each event's current key.
  std::map<std::pair<std::int64_t, std::uint64_t>, int> model;
  std::map<int, std::pair<std::int64_t, std::uint64_t>> keys;
  std::vector<bool> scheduled_far(static_cast<std::size_t>(event_count));
  std::uint64_t sequence = 0;
  std::int64_t now = 0;
  for (int step = 0; step < operation_count; ++step) {
    const int event = static_cast<int>(rng.below(static_cast<std::uint64_t>(event_count)));
    const std::uint64_t choice = rng.below(10);
    if (choice < 6) {
      const std::int64_t delay = delay_for(event, rng);
      const std::int64_t time = now + delay;
      scheduled_far[static_cast<std::size_t>(event)] = delay >= 1'000'000'000;
      if (keys.contains(event)) model.erase(keys[event]);
      keys[event] = {time, sequence++};
      model[keys[event]] = event;
      queue.schedule(*events[event], TimePoint(Duration(time)));
      ASSERT_EQ(queue.time_of(*events[event]), TimePoint(Duration(time)));
    } else if (choice < 8) {
      if (keys.contains(event)) {
        model.erase(keys[event]);
        keys.erase(event);
      }
      queue.cancel(*events[event]);
    } else if (!model.empty()) {
      const auto expected = model.begin();
      ASSERT_EQ(queue.next_time(), TimePoint(Duration(expected->first.first)));
      Event& popped = queue.pop();
      ASSERT_EQ(&popped, events[expected->second].get());
      if (far_popped != nullptr && scheduled_far[static_cast<std::size_t>(expected->second)]) {
        ++*far_popped;
      }
      now = expected->first.first;
      keys.erase(expected->second);
      model.erase(expected);
    }
    ASSERT_EQ(queue.size(), model.size());
  }
  queue.clear();
}

TEST(EventQueue, AgreesWithAReferenceModelUnderRandomOperations) {
  check_against_model(
      300, 20000, [](int, net::Rng& rng) { return static_cast<std::int64_t>(rng.below(1000)); });
}

// Most events come in streams with a fixed delay each (a periodic timer, a latency); with more
// streams than the queue has lanes, some go to lanes and some to the heap, and events move between
// them as streams come and go. The order must stay exactly (time, sequence).
TEST(EventQueue, AgreesWithAReferenceModelForStreamsOfFixedDelays) {
  constexpr int stream_count = 13;
  check_against_model(400, 40000, [](int event, net::Rng& rng) {
    if (event % 5 == 0) return static_cast<std::int64_t>(rng.below(3000));
    return static_cast<std::int64_t>(100 * (event % stream_count));
  });
}

// A few long timeouts re-armed all the time (each re-arm leaves a hole in a lane that the front
// takes a whole timeout to reach; within a second, so they go to the lanes and not the far heap)
// among short streams that keep firing: the lanes compact their holes, events keep their order,
// and the storage stays proportional to the live events.
TEST(EventQueue, ReArmedLongTimeoutsKeepOrderAndBoundedStorage) {
  constexpr int event_count = 60;
  check_against_model(event_count, 200000, [](int event, net::Rng& rng) {
    if (event < 10) return static_cast<std::int64_t>(500'000'000 + rng.below(10));
    return static_cast<std::int64_t>(100 * (event % 7) + 1);
  });
}

// Timeouts seconds to minutes ahead among streams and scattered events due within microseconds,
// as in a swarm of many connections: the far events wait in a heap of their own, events move
// between the near and the far structures as they are rescheduled or cancelled, and far ones fire
// from there when their time comes. The order must stay exactly (time, sequence).
TEST(EventQueue, AgreesWithAReferenceModelWithFarTimeouts) {
  int far_popped = 0;
  check_against_model(
      300, 60000,
      [](int event, net::Rng& rng) {
        // Near events are scheduled less often than events are popped, so that now and then only
        // far ones are left.
        if (rng.below(4) != 0) {
          return static_cast<std::int64_t>(1'000'000'000 + rng.below(120'000'000'000));
        }
        if (event % 3 == 0) return static_cast<std::int64_t>(100 * (event % 11));
        return static_cast<std::int64_t>(rng.below(1000));
      },
      &far_popped);
  // Enough far events came due to exercise popping them, not only scheduling them.
  EXPECT_GT(far_popped, 1000);
}

TEST(EventQueue, LaneStorageStaysBoundedUnderReArming) {
  net::Rng rng(9);
  EventQueue queue;
  std::vector<int> log;
  RecordingEvent timeout(log, 0);
  RecordingEvent tick(log, 1);
  std::int64_t now = 0;
  for (int round = 0; round < 100000; ++round) {
    // Re-armed well ahead (yet within a second, so in a lane), as a timeout re-armed on every
    // message is.
    queue.schedule(timeout, TimePoint(Duration(now + 500'000'000)));
    queue.schedule(tick, TimePoint(Duration(now + 10)));
    Event& fired = queue.pop();
    ASSERT_EQ(&fired, &tick);
    now += 10;
  }
  EXPECT_EQ(queue.size(), 1u);
  // Without compaction the timeout's lane holds one hole per re-arm (100,000).
  EXPECT_LE(queue.lane_capacity(), 1024u);
  queue.clear();
}

TEST(Executor, RunsHandlersInOrderAndNeverInline) {
  World world;
  Host& host = world.add_host();
  std::vector<int> order;
  auto executor = host.get_executor();
  boost::asio::post(executor, [&] { order.push_back(1); });
  boost::asio::post(executor, [&] {
    order.push_back(2);
    boost::asio::post(executor, [&] { order.push_back(4); });
  });
  boost::asio::post(executor, [&] { order.push_back(3); });
  // A timer that has already expired still completes through the queue, not inside async_wait.
  net::Timer timer = host.make_timer();
  bool completed = false;
  timer.async_wait([&](net::error_code) { completed = true; });
  EXPECT_FALSE(completed);
  world.run();
  EXPECT_TRUE(completed);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 4}));
}

TEST(Executor, HandlersBoundToAStrandRunThroughIt) {
  World world;
  Host& host = world.add_host();
  auto strand = boost::asio::make_strand(host.get_executor());
  net::Timer timer = host.make_timer();
  timer.expires_at(TimePoint(5ms));
  bool in_strand = false;
  timer.async_wait(boost::asio::bind_executor(
      strand, [&](net::error_code) { in_strand = strand.running_in_this_thread(); }));
  world.run();
  EXPECT_TRUE(in_strand);
  EXPECT_EQ(world.now(), TimePoint(5ms));
}

TEST(Cancellation, SlotCancelsEveryKindOfOperation) {
  World world;
  Host& host = world.add_host();
  Host& peer = world.add_host();
  net::Listener listener = listen_or_die(host);
  net::Datagram socket = host.open_udp({net::Address(), 0}).value();
  net::Timer timer = host.make_timer();
  timer.expires_at(TimePoint(1h));
  std::array<boost::asio::cancellation_signal, 4> signals;
  std::array<net::error_code, 4> results;
  std::array<std::uint8_t, 16> buffer{};
  net::Endpoint sender;
  auto record = [&](std::size_t i) {
    return boost::asio::bind_cancellation_slot(
        signals[i].slot(), [&results, i](net::error_code error, auto&&...) { results[i] = error; });
  };
  timer.async_wait(record(0));
  listener.async_accept(record(1));
  socket.async_receive_from(asio::buffer(buffer), sender, record(2));
  // A connect to a host that is down: it would time out after 10 s.
  world.crash(peer.id());
  host.async_connect(endpoint_of(peer), record(3));
  world.run_for(1ms);
  for (auto& signal : signals)
    signal.emit(boost::asio::cancellation_type::total);
  world.run_for(1ms);
  for (std::size_t i = 0; i < results.size(); ++i)
    EXPECT_EQ(results[i], boost::asio::error::operation_aborted) << "operation " << i;
  EXPECT_EQ(world.now(), TimePoint(2ms));
}

TEST(Cancellation, ReadCancelledByATimerLosesNoBytes) {
  World world;
  Host& client = world.add_host(host_with(0, 0, 5ms));
  Host& server = world.add_host(host_with(0, 0, 5ms));
  std::string received;
  bool timer_won = false;
  server.spawn([](Host& host, net::Listener listener) -> asio::awaitable<void> {
    net::Stream stream = co_await listener.async_accept(asio::use_awaitable);
    co_await host.sleep(100ms);
    co_await asio::async_write(stream, asio::buffer(std::string("late")), asio::use_awaitable);
  }(server, listen_or_die(server)));
  client.spawn(
      [](Host& host, net::Endpoint target, bool& won, std::string& out) -> asio::awaitable<void> {
        net::Stream stream = co_await host.async_connect(target, asio::use_awaitable);
        std::array<char, 4> data{};
        net::Timer timer = host.make_timer();
        timer.expires_after(50ms, host.now());
        auto winner = co_await (stream.async_read_some(asio::buffer(data), asio::use_awaitable) ||
                                timer.async_wait(asio::use_awaitable));
        won = winner.index() == 1;
        co_await asio::async_read(stream, asio::buffer(data), asio::use_awaitable);
        out.assign(data.data(), data.size());
      }(client, endpoint_of(server), timer_won, received));
  world.run();
  EXPECT_TRUE(timer_won);
  EXPECT_EQ(received, "late");
}

// Suspends on everything at once and never finishes.
asio::awaitable<void> stuck_everywhere(Host& host, Host& peer, net::Stream& outside) {
  net::Listener listener = listen_or_die(host, 7001);
  net::Datagram socket = host.open_udp({net::Address(), 0}).value();
  host.spawn([](net::Listener l) -> asio::awaitable<void> {
    co_await l.async_accept(asio::use_awaitable);
  }(std::move(listener)));
  host.spawn([](net::Datagram s) -> asio::awaitable<void> {
    std::array<std::uint8_t, 8> buffer{};
    net::Endpoint sender;
    co_await s.async_receive_from(asio::buffer(buffer), sender, asio::use_awaitable);
  }(std::move(socket)));
  net::Stream stream = co_await host.async_connect(endpoint_of(peer), asio::use_awaitable);
  outside = co_await host.async_connect(endpoint_of(peer), asio::use_awaitable);
  // A writer blocked on a full send buffer, next to a read that waits for ever.
  std::vector<std::uint8_t> big(4 << 20);
  std::array<std::uint8_t, 8> small{};
  net::Timer timer = host.make_timer();
  timer.expires_after(1h, host.now());
  co_await (asio::async_write(stream, asio::buffer(big), asio::use_awaitable) ||
            stream.async_read_some(asio::buffer(small), asio::use_awaitable) ||
            timer.async_wait(asio::use_awaitable));
}

TEST(Teardown, WorldDestroyedWithSuspendedCoroutinesIsClean) {
  net::Stream outside;
  net::Timer outside_timer;
  {
    World world;
    Host& host = world.add_host(host_with(1000, 0, 1ms));
    Host& peer = world.add_host(host_with(0, 1000, 1ms));
    std::vector<Receipt> receipts(2);
    peer.spawn(accept_bulk(peer, listen_or_die(peer), receipts));
    host.spawn(stuck_everywhere(host, peer, outside));
    // A connect still in flight when the world goes (two round trips of 4 ms came before).
    world.at(TimePoint(8500us), [&] {
      host.spawn([](Host& h, net::Endpoint target) -> asio::awaitable<void> {
        co_await h.async_connect(target, asio::use_awaitable);
      }(host, endpoint_of(peer)));
    });
    outside_timer = host.make_timer();
    world.run_until(TimePoint(9ms));
    EXPECT_GT(host.task_count(), 2u);
  }
  // Handles kept beyond their world are inert.
  EXPECT_TRUE(static_cast<bool>(outside));
  outside.close();
}

}  // namespace
}  // namespace swarmlab::sim::test
