// Streams and listeners, on every backend: echo, many clients, refusal, timeouts, cancellation,
// end of stream.
#include "tests/runtime/host_suite.hpp"

#include "net/write_all.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <string>

namespace swarmlab::runtime_test {
namespace {

using namespace boost::asio::experimental::awaitable_operators;

TEST_P(HostSuite, TcpEchoRoundTrip) {
  net::Host& server = world->add_host();
  net::Host& client = world->add_host();
  net::Listener listener = listen_on_free_port(server);
  const net::Endpoint target = reachable_endpoint(server, listener);
  const auto payload = random_bytes(client.rng(), 1 << 20);
  EchoServerLog log;
  std::vector<std::uint8_t> echoed;
  TaskExit server_exit;
  TaskExit client_exit;
  server.spawn(serve_echo(server, std::move(listener), 1, log), record_exit(server_exit));
  client.spawn(keep_result(echo_round_trip(client, target, payload), echoed),
               record_exit(client_exit));

  ASSERT_TRUE(world->run_until_idle(run_limit));
  EXPECT_TRUE(server_exit.finished);
  EXPECT_FALSE(server_exit.code) << server_exit.code.message();
  EXPECT_TRUE(client_exit.finished);
  EXPECT_FALSE(client_exit.code) << client_exit.code.message();
  EXPECT_TRUE(echoed == payload);
  EXPECT_EQ(log.bytes_echoed, payload.size());
  ASSERT_EQ(log.peers.size(), 1u);
  // The stream leaves from the client host's own address.
  EXPECT_EQ(log.peers[0].address, client.addresses().front());
  ASSERT_EQ(log.session_ends.size(), 1u);
  EXPECT_EQ(log.session_ends[0], asio::error::eof);
  EXPECT_EQ(server.task_count(), 0u);
  EXPECT_EQ(client.task_count(), 0u);
}

TEST_P(HostSuite, AcceptLoopServesManyClients) {
  constexpr std::size_t client_count = 50;
  constexpr std::size_t client_host_count = 5;
  net::Host& server = world->add_host();
  std::vector<net::Host*> client_hosts;
  for (std::size_t i = 0; i < client_host_count; ++i)
    client_hosts.push_back(&world->add_host());
  net::Listener listener = listen_on_free_port(server);
  const net::Endpoint target = reachable_endpoint(server, listener);
  EchoServerLog log;
  server.spawn(serve_echo(server, std::move(listener), client_count, log));
  std::vector<std::vector<std::uint8_t>> payloads(client_count);
  std::vector<std::vector<std::uint8_t>> echoes(client_count);
  std::vector<TaskExit> client_exits(client_count);
  for (std::size_t i = 0; i < client_count; ++i) {
    net::Host& client = *client_hosts[i % client_host_count];
    payloads[i] = random_bytes(client.rng(), 1000 + i);
    client.spawn(keep_result(echo_round_trip(client, target, payloads[i]), echoes[i]),
                 record_exit(client_exits[i]));
  }

  ASSERT_TRUE(world->run_until_idle(run_limit));
  for (std::size_t i = 0; i < client_count; ++i) {
    EXPECT_TRUE(client_exits[i].finished) << "client " << i;
    EXPECT_FALSE(client_exits[i].code) << "client " << i << ": " << client_exits[i].code.message();
    EXPECT_TRUE(echoes[i] == payloads[i]) << "client " << i;
  }
  EXPECT_EQ(log.sessions_finished, client_count);
  std::map<net::Address, std::size_t> streams_per_address;
  for (const net::Endpoint& peer : log.peers)
    ++streams_per_address[peer.address];
  ASSERT_EQ(streams_per_address.size(), client_host_count);
  for (net::Host* client : client_hosts)
    EXPECT_EQ(streams_per_address[client->addresses().front()], client_count / client_host_count);
  EXPECT_EQ(server.task_count(), 0u);
}

// ---- Failures and timeouts ---------------------------------------------------------------------

asio::awaitable<void> connect_once(net::Host& host, net::Endpoint target, net::error_code& result) {
  auto [error, stream] = co_await host.async_connect(target, use_tuple);
  EXPECT_EQ(static_cast<bool>(stream), !error);
  result = error;
}

TEST_P(HostSuite, ConnectWhereNothingListensIsRefused) {
  net::Host& server = world->add_host();
  net::Host& client = world->add_host();
  net::Listener listener = listen_on_free_port(server);
  const net::Endpoint target = reachable_endpoint(server, listener);
  listener.close();
  net::error_code result;
  client.spawn(connect_once(client, target, result));

  ASSERT_TRUE(world->run_until_idle(run_limit));
  EXPECT_EQ(result, asio::error::connection_refused) << result.message();
}

struct DeadlineOutcome {
  bool timer_won = false;
  net::Duration elapsed{};
};

asio::awaitable<void> connect_with_deadline(net::Host& host, net::Endpoint target,
                                            net::Duration deadline, DeadlineOutcome& outcome) {
  net::Timer timer = host.make_timer();
  const net::TimePoint started = host.now();
  timer.expires_at(started + deadline);
  auto winner =
      co_await (host.async_connect(target, use_tuple) || timer.async_wait(asio::use_awaitable));
  outcome.timer_won = winner.index() == 1;
  outcome.elapsed = host.now() - started;
}

TEST_P(HostSuite, ConnectTimesOutThroughTimer) {
  net::Host& client = world->add_host();
  DeadlineOutcome outcome;
  client.spawn(connect_with_deadline(client, world->unresponsive_endpoint(), 200ms, outcome));

  ASSERT_TRUE(world->run_until_idle(run_limit));
  EXPECT_TRUE(outcome.timer_won);
  EXPECT_GE(outcome.elapsed, 200ms);
  EXPECT_LT(outcome.elapsed, 5s);
  EXPECT_EQ(client.task_count(), 0u);
}

// The client waits for a reply that is not coming, gives up through a timer, then uses the same
// stream for a ping/pong that does complete.
struct CancelledReadOutcome {
  bool timer_won = false;
  std::string reply;
};

asio::awaitable<void> ping_after_cancelled_read(net::Host& host, net::Endpoint server,
                                                CancelledReadOutcome& outcome) {
  net::Stream stream = co_await host.async_connect(server, asio::use_awaitable);
  std::array<char, 4> reply{};
  net::Timer timer = host.make_timer();
  timer.expires_after(100ms, host.now());
  auto winner = co_await (stream.async_read_some(asio::buffer(reply), asio::use_awaitable) ||
                          timer.async_wait(asio::use_awaitable));
  outcome.timer_won = winner.index() == 1;
  co_await asio::async_write(stream, asio::buffer(std::string_view("ping")), asio::use_awaitable);
  co_await asio::async_read(stream, asio::buffer(reply), asio::use_awaitable);
  outcome.reply.assign(reply.begin(), reply.end());
}

asio::awaitable<void> answer_ping(net::Listener listener) {
  net::Stream stream = co_await listener.async_accept(asio::use_awaitable);
  listener.close();
  std::array<char, 4> request{};
  co_await asio::async_read(stream, asio::buffer(request), asio::use_awaitable);
  EXPECT_EQ(std::string_view(request.data(), request.size()), "ping");
  co_await asio::async_write(stream, asio::buffer(std::string_view("pong")), asio::use_awaitable);
}

TEST_P(HostSuite, ReadCancelledByTimerLeavesStreamUsable) {
  net::Host& server = world->add_host();
  net::Host& client = world->add_host();
  net::Listener listener = listen_on_free_port(server);
  const net::Endpoint target = reachable_endpoint(server, listener);
  CancelledReadOutcome outcome;
  TaskExit server_exit;
  TaskExit client_exit;
  server.spawn(answer_ping(std::move(listener)), record_exit(server_exit));
  client.spawn(ping_after_cancelled_read(client, target, outcome), record_exit(client_exit));

  ASSERT_TRUE(world->run_until_idle(run_limit));
  EXPECT_TRUE(outcome.timer_won);
  EXPECT_EQ(outcome.reply, "pong");
  EXPECT_FALSE(server_exit.code) << server_exit.code.message();
  EXPECT_FALSE(client_exit.code) << client_exit.code.message();
}

// ---- End of stream and local close -------------------------------------------------------------

asio::awaitable<void> say_goodbye(net::Listener listener) {
  net::Stream stream = co_await listener.async_accept(asio::use_awaitable);
  listener.close();
  co_await asio::async_write(stream, asio::buffer(std::string_view("bye")), asio::use_awaitable);
  stream.close();
}

struct ReadToEndOutcome {
  std::string received;
  net::error_code first_end;
  net::error_code second_end;
};

asio::awaitable<void> read_to_end(net::Host& host, net::Endpoint server,
                                  ReadToEndOutcome& outcome) {
  net::Stream stream = co_await host.async_connect(server, asio::use_awaitable);
  std::array<char, 64> buffer{};
  auto [error, size_bytes] = co_await asio::async_read(stream, asio::buffer(buffer), use_tuple);
  outcome.received.assign(buffer.data(), size_bytes);
  outcome.first_end = error;
  auto [again, more_bytes] = co_await stream.async_read_some(asio::buffer(buffer), use_tuple);
  EXPECT_EQ(more_bytes, 0u);
  outcome.second_end = again;
}

TEST_P(HostSuite, ReadAfterPeerClosesGivesEof) {
  net::Host& server = world->add_host();
  net::Host& client = world->add_host();
  net::Listener listener = listen_on_free_port(server);
  const net::Endpoint target = reachable_endpoint(server, listener);
  ReadToEndOutcome outcome;
  server.spawn(say_goodbye(std::move(listener)));
  client.spawn(read_to_end(client, target, outcome));

  ASSERT_TRUE(world->run_until_idle(run_limit));
  EXPECT_EQ(outcome.received, "bye");
  EXPECT_EQ(outcome.first_end, asio::error::eof) << outcome.first_end.message();
  EXPECT_EQ(outcome.second_end, asio::error::eof) << outcome.second_end.message();
}

// One task reads a stream that stays silent while another closes it: the read is aborted.
asio::awaitable<void> read_until_closed(net::Stream& stream, net::error_code& result) {
  std::array<char, 16> buffer{};
  auto [error, size_bytes] = co_await stream.async_read_some(asio::buffer(buffer), use_tuple);
  EXPECT_EQ(size_bytes, 0u);
  result = error;
}

asio::awaitable<void> close_after(net::Host& host, net::Duration delay, net::Stream& stream) {
  co_await host.sleep(delay);
  EXPECT_TRUE(stream.is_open());
  stream.close();
  EXPECT_FALSE(stream.is_open());
}

asio::awaitable<void> connect_and_race_close(net::Host& host, net::Endpoint server,
                                             net::error_code& result) {
  net::Stream stream = co_await host.async_connect(server, asio::use_awaitable);
  co_await (read_until_closed(stream, result) && close_after(host, 50ms, stream));
}

asio::awaitable<void> accept_and_wait_for_end(net::Listener listener) {
  net::Stream stream = co_await listener.async_accept(asio::use_awaitable);
  listener.close();
  std::array<char, 16> buffer{};
  auto [error, size_bytes] = co_await stream.async_read_some(asio::buffer(buffer), use_tuple);
  EXPECT_EQ(error, asio::error::eof) << error.message();
  EXPECT_EQ(size_bytes, 0u);
}

TEST_P(HostSuite, LocalCloseAbortsPendingRead) {
  net::Host& server = world->add_host();
  net::Host& client = world->add_host();
  net::Listener listener = listen_on_free_port(server);
  const net::Endpoint target = reachable_endpoint(server, listener);
  net::error_code result;
  server.spawn(accept_and_wait_for_end(std::move(listener)));
  client.spawn(connect_and_race_close(client, target, result));

  ASSERT_TRUE(world->run_until_idle(run_limit));
  EXPECT_EQ(result, asio::error::operation_aborted) << result.message();
}

// More buffers than one write_some takes (BufferList::count_max): async_write still sends them all.
enum class Writer { async_write, write_all };

asio::awaitable<void> echo_many_buffers(net::Host& host, net::Endpoint server,
                                        std::vector<std::string> pieces, Writer writer,
                                        std::string& echoed) {
  net::Stream stream = co_await host.async_connect(server, asio::use_awaitable);
  std::vector<asio::const_buffer> buffers;
  std::size_t total_bytes = 0;
  for (const std::string& piece : pieces) {
    buffers.push_back(asio::buffer(piece));
    total_bytes += piece.size();
  }
  if (writer == Writer::async_write) {
    co_await asio::async_write(stream, buffers, asio::use_awaitable);
  } else {
    auto [error, size] = co_await net::write_all(stream, buffers);
    EXPECT_FALSE(error) << error.message();
    EXPECT_EQ(size, total_bytes);
  }
  echoed.resize(total_bytes);
  co_await asio::async_read(stream, asio::buffer(echoed), asio::use_awaitable);
  stream.close();
}

// asio::async_write and net::write_all both send a sequence longer than one operation takes.
TEST_P(HostSuite, WriteOfManyBuffersSendsThemAll) {
  constexpr std::size_t piece_count = 3 * net::ConstBuffers::count_max + 1;
  std::vector<std::string> pieces;
  std::string expected;
  for (std::size_t i = 0; i < piece_count; ++i) {
    pieces.push_back(i % 5 == 0 ? std::string() : "piece " + std::to_string(i) + ";");
    expected += pieces.back();
  }
  for (const Writer writer : {Writer::async_write, Writer::write_all}) {
    SCOPED_TRACE(writer == Writer::async_write ? "async_write" : "write_all");
    net::Host& server = world->add_host();
    net::Host& client = world->add_host();
    net::Listener listener = listen_on_free_port(server);
    const net::Endpoint target = reachable_endpoint(server, listener);
    EchoServerLog log;
    std::string echoed;
    server.spawn(serve_echo(server, std::move(listener), 1, log));
    client.spawn(echo_many_buffers(client, target, pieces, writer, echoed));

    ASSERT_TRUE(world->run_until_idle(run_limit));
    EXPECT_EQ(echoed, expected);
    EXPECT_EQ(log.bytes_echoed, expected.size());
  }
}

// Accepts one stream, waits (so that the writer fills the path), then reads it to its end.
asio::awaitable<void> read_after_a_pause(net::Host& host, net::Listener listener,
                                         std::vector<std::uint8_t>& received) {
  net::Stream stream = co_await listener.async_accept(asio::use_awaitable);
  co_await host.sleep(200ms);
  std::array<std::uint8_t, 64 * 1024> buffer{};
  for (;;) {
    auto [error, size] = co_await stream.async_read_some(asio::buffer(buffer), use_tuple);
    received.insert(received.end(), buffer.begin(), buffer.begin() + static_cast<long>(size));
    if (error) break;
  }
}

struct TryWriteLog {
  std::vector<std::uint8_t> sent;
  std::size_t empty_write = 1;
  net::error_code refusal;
  net::error_code write_all_error;
};

// Offers `chunk` to try_write_some until the stream takes no more, then once more to write_all,
// which must wait for the reader.
asio::awaitable<void> fill_with_try_write(net::Host& host, net::Endpoint server,
                                          const std::vector<std::uint8_t>& chunk,
                                          TryWriteLog& log) {
  // Far above any loopback socket's buffers: the loop stops by itself if would_block never comes.
  constexpr std::size_t written_max = std::size_t{256} << 20;
  net::Stream stream = co_await host.async_connect(server, asio::use_awaitable);
  const auto empty = stream.try_write_some(asio::const_buffer());
  log.empty_write = empty ? *empty : 1;
  while (log.sent.size() < written_max) {
    const auto taken = stream.try_write_some(asio::buffer(chunk));
    if (!taken) {
      log.refusal = taken.error();
      break;
    }
    log.sent.insert(log.sent.end(), chunk.begin(), chunk.begin() + static_cast<long>(*taken));
  }
  const std::array<asio::const_buffer, 2> halves = {
      asio::buffer(chunk.data(), 1000), asio::buffer(chunk.data() + 1000, chunk.size() - 1000)};
  auto [error, size] = co_await net::write_all(stream, halves);
  log.write_all_error = error;
  log.sent.insert(log.sent.end(), chunk.begin(), chunk.begin() + static_cast<long>(size));
  stream.close();
}

TEST_P(HostSuite, TryWriteSomeTakesWhatFitsAndWriteAllWaitsForTheRest) {
  net::Host& server = world->add_host();
  net::Host& client = world->add_host();
  net::Listener listener = listen_on_free_port(server);
  const net::Endpoint target = reachable_endpoint(server, listener);
  const auto chunk = random_bytes(client.rng(), 48 * 1024);
  std::vector<std::uint8_t> received;
  TryWriteLog log;
  server.spawn(read_after_a_pause(server, std::move(listener), received));
  client.spawn(fill_with_try_write(client, target, chunk, log));

  ASSERT_TRUE(world->run_until_idle(run_limit));
  EXPECT_EQ(log.empty_write, 0u);
  EXPECT_EQ(log.refusal, asio::error::would_block) << log.refusal.message();
  EXPECT_GE(log.sent.size(), chunk.size() * 2) << "write_all added a whole chunk";
  EXPECT_FALSE(log.write_all_error) << log.write_all_error.message();
  EXPECT_EQ(received.size(), log.sent.size());
  EXPECT_TRUE(received == log.sent);
}

// Writes "hello world", and after a pause "!", then closes.
asio::awaitable<void> say_hello_then_bang(net::Host& host, net::Listener listener) {
  net::Stream stream = co_await listener.async_accept(asio::use_awaitable);
  listener.close();
  co_await asio::async_write(stream, asio::buffer(std::string_view("hello world")),
                             asio::use_awaitable);
  co_await host.sleep(200ms);
  co_await asio::async_write(stream, asio::buffer(std::string_view("!")), asio::use_awaitable);
  stream.close();
}

struct TryReadLog {
  std::vector<std::string> reads;  // what each try_read_some gave, or its error's name
};

asio::awaitable<void> try_read_in_fours(net::Host& host, net::Endpoint server, TryReadLog& log) {
  net::Stream stream = co_await host.async_connect(server, asio::use_awaitable);
  // Bounded: every pass ends on an error or takes at least one byte of the 12 sent.
  auto try_until_error = [&] {
    for (int reads = 0; reads < 16; ++reads) {
      std::array<char, 4> buffer{};
      const auto taken = stream.try_read_some(asio::buffer(buffer));
      if (!taken) {
        log.reads.push_back(taken.error() == asio::error::would_block ? "would_block"
                            : taken.error() == asio::error::eof       ? "eof"
                                                                      : taken.error().message());
        return;
      }
      log.reads.emplace_back(buffer.data(), *taken);
    }
  };
  co_await host.sleep(100ms);
  try_until_error();
  co_await host.sleep(300ms);
  try_until_error();
}

TEST_P(HostSuite, TryReadSomeTakesWhatHasArrivedWithoutWaiting) {
  net::Host& server = world->add_host();
  net::Host& client = world->add_host();
  net::Listener listener = listen_on_free_port(server);
  const net::Endpoint target = reachable_endpoint(server, listener);
  TryReadLog log;
  server.spawn(say_hello_then_bang(server, std::move(listener)));
  client.spawn(try_read_in_fours(client, target, log));

  ASSERT_TRUE(world->run_until_idle(run_limit));
  EXPECT_EQ(log.reads,
            (std::vector<std::string>{"hell", "o wo", "rld", "would_block", "!", "eof"}));
}

}  // namespace
}  // namespace swarmlab::runtime_test
