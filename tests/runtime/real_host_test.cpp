// What only the real-socket backend promises: address binding on a shared machine, IPv6, the
// steady clock, seeding, and errors found while starting an operation.
#include "net/real_host.hpp"
#include "tests/runtime/host_suite.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

#include <array>
#include <chrono>
#include <string>

namespace swarmlab::runtime_test {
namespace {

using namespace std::chrono_literals;

net::Address v4(const char* text) {
  return asio::ip::make_address_v4(text);
}

constexpr auto run_limit = std::chrono::seconds(20);

TEST(RealHost, HostsOnDifferentAddressesListenOnTheSamePort) {
  asio::io_context io_context;
  net::RealHost first(io_context, {.addresses = {v4("127.0.0.2")}, .seed = 1});
  net::RealHost second(io_context, {.addresses = {v4("127.0.0.3")}, .seed = 2});
  auto first_listener = first.listen({net::Address(), 0});
  ASSERT_TRUE(first_listener.has_value()) << first_listener.error().message();
  const std::uint16_t port = first_listener->local_endpoint().port;
  auto second_listener = second.listen({net::Address(), port});
  ASSERT_TRUE(second_listener.has_value()) << second_listener.error().message();
  EXPECT_EQ(first_listener->local_endpoint(), (net::Endpoint{v4("127.0.0.2"), port}));
  EXPECT_EQ(second_listener->local_endpoint(), (net::Endpoint{v4("127.0.0.3"), port}));
  // The same host cannot listen twice on one endpoint, SO_REUSEADDR or not.
  auto again = first.listen({net::Address(), port});
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error(), asio::error::address_in_use) << again.error().message();
}

// A chosen seed gives the same numbers; hosts left unseeded draw different ones (two clients in
// one process with equal peer ids would each take the other for itself).
TEST(RealHost, UnseededHostsDrawDifferentNumbersAndSeededOnesRepeat) {
  asio::io_context io_context;
  net::RealHost first(io_context, {});
  net::RealHost second(io_context, {});
  EXPECT_NE(first.rng().next(), second.rng().next());
  net::RealHost seeded(io_context, {.addresses = {}, .seed = 7});
  net::RealHost same_seed(io_context, {.addresses = {}, .seed = 7});
  EXPECT_EQ(seeded.rng().next(), same_seed.rng().next());
}

TEST(RealHost, UdpSocketsBindToTheHostsAddress) {
  asio::io_context io_context;
  net::RealHost host(io_context, {.addresses = {v4("127.0.0.4")}, .seed = 1});
  auto socket = host.open_udp({net::Address(), 0});
  ASSERT_TRUE(socket.has_value()) << socket.error().message();
  EXPECT_EQ(socket->local_endpoint().address, v4("127.0.0.4"));
  EXPECT_NE(socket->local_endpoint().port, 0);
}

// Loopback delivers a datagram within the sending call, so the receiver's queue holds it before
// the event loop ever runs: the non-blocking operations alone move it, in order, and then say
// would_block.
TEST(RealHost, UdpTryOperationsMoveDatagramsWithoutTheEventLoop) {
  asio::io_context io_context;
  net::RealHost host(io_context, {.addresses = {v4("127.0.0.6")}, .seed = 1});
  auto sender = host.open_udp({net::Address(), 0});
  auto receiver = host.open_udp({net::Address(), 0});
  ASSERT_TRUE(sender.has_value()) << sender.error().message();
  ASSERT_TRUE(receiver.has_value()) << receiver.error().message();
  std::array<char, 64> buffer{};
  net::Endpoint from;
  const auto idle = receiver->try_receive_from(asio::buffer(buffer), from);
  ASSERT_FALSE(idle.has_value());
  EXPECT_EQ(idle.error(), asio::error::would_block) << idle.error().message();

  const std::array<std::string, 3> messages{"first", "second datagram", "third"};
  for (const std::string& message : messages) {
    const auto sent = sender->try_send_to(asio::buffer(message), receiver->local_endpoint());
    ASSERT_TRUE(sent.has_value()) << sent.error().message();
    EXPECT_EQ(*sent, message.size());
  }
  for (const std::string& message : messages) {
    const auto received = receiver->try_receive_from(asio::buffer(buffer), from);
    ASSERT_TRUE(received.has_value()) << received.error().message();
    EXPECT_EQ(std::string(buffer.data(), *received), message);
    EXPECT_EQ(from, sender->local_endpoint());
  }
  const auto drained = receiver->try_receive_from(asio::buffer(buffer), from);
  ASSERT_FALSE(drained.has_value());
  EXPECT_EQ(drained.error(), asio::error::would_block) << drained.error().message();
  EXPECT_EQ(io_context.poll(), 0u);  // nothing went through the event loop
}

TEST(RealHost, WithoutAddressesAnUnspecifiedListenerTakesEveryInterface) {
  asio::io_context io_context;
  net::RealHost server(io_context, {.addresses = {}, .seed = 1});
  net::RealHost client(io_context, {.addresses = {v4("127.0.0.5")}, .seed = 2});
  auto listener = server.listen({net::Address(), 0});
  ASSERT_TRUE(listener.has_value()) << listener.error().message();
  EXPECT_TRUE(listener->local_endpoint().address.is_unspecified());
  const net::Endpoint target{v4("127.0.0.9"), listener->local_endpoint().port};
  EchoServerLog log;
  std::vector<std::uint8_t> echoed;
  const auto payload = random_bytes(client.rng(), 4096);
  server.spawn(serve_echo(server, std::move(listener).value(), 1, log));
  client.spawn(keep_result(echo_round_trip(client, target, payload), echoed));
  io_context.run_for(run_limit);
  EXPECT_TRUE(echoed == payload);
  ASSERT_EQ(log.peers.size(), 1u);
  EXPECT_EQ(log.peers[0].address, v4("127.0.0.5"));
}

TEST(RealHost, EchoOverIpv6Loopback) {
  asio::io_context io_context;
  const net::Address loopback = asio::ip::address_v6::loopback();
  net::RealHost server(io_context, {.addresses = {loopback}, .seed = 1});
  net::RealHost client(io_context, {.addresses = {loopback}, .seed = 2});
  auto listener = server.listen({asio::ip::address_v6::any(), 0});
  if (!listener.has_value()) GTEST_SKIP() << "no IPv6 loopback: " << listener.error().message();
  EXPECT_EQ(listener->local_endpoint().address, loopback);
  const net::Endpoint target{loopback, listener->local_endpoint().port};
  EchoServerLog log;
  std::vector<std::uint8_t> echoed;
  const auto payload = random_bytes(client.rng(), 100000);
  server.spawn(serve_echo(server, std::move(listener).value(), 1, log));
  client.spawn(keep_result(echo_round_trip(client, target, payload), echoed));
  io_context.run_for(run_limit);
  EXPECT_TRUE(echoed == payload);
  ASSERT_EQ(log.peers.size(), 1u);
  EXPECT_EQ(log.peers[0].address, loopback);
}

TEST(RealHost, FailureWhileStartingAConnectCompletesLater) {
  asio::io_context io_context;
  // 192.0.2.0/24 is reserved for documentation: no machine has it, so binding to it fails
  // before a single packet is sent.
  net::RealHost host(io_context, {.addresses = {v4("192.0.2.1")}, .seed = 1});
  bool completed = false;
  net::error_code result;
  host.async_connect({v4("127.0.0.2"), 9}, [&](net::error_code error, net::Stream stream) {
    completed = true;
    result = error;
    EXPECT_FALSE(stream);
  });
  EXPECT_FALSE(completed);  // Never inline from the initiating call.
  io_context.run_for(run_limit);
  EXPECT_TRUE(completed);
  EXPECT_EQ(result, boost::system::errc::address_not_available) << result.message();
}

// `--bind 127.0.0.1` means connections come from there only: an IPv6 peer is out of reach, not
// reached from an address the user did not give.
TEST(RealHost, AHostWithOnlyIpv4AddressesDoesNotConnectToIpv6) {
  asio::io_context io_context;
  net::RealHost server(io_context, {.addresses = {asio::ip::address_v6::loopback()}, .seed = 1});
  auto listener = server.listen({asio::ip::address_v6::any(), 0});
  if (!listener.has_value()) GTEST_SKIP() << "no IPv6 loopback: " << listener.error().message();
  net::RealHost host(io_context, {.addresses = {v4("127.0.0.7")}, .seed = 2});
  bool completed = false;
  net::error_code result;
  host.async_connect(listener->local_endpoint(), [&](net::error_code error, net::Stream stream) {
    completed = true;
    result = error;
    EXPECT_FALSE(stream);
  });
  io_context.run_for(run_limit);
  EXPECT_TRUE(completed);
  EXPECT_EQ(result, asio::error::address_family_not_supported) << result.message();
}

TEST(RealHost, NowIsTheSteadyClock) {
  asio::io_context io_context;
  net::RealHost host(io_context, {.addresses = {}, .seed = 1});
  const auto before = std::chrono::steady_clock::now().time_since_epoch();
  const net::TimePoint now = host.now();
  const auto after = std::chrono::steady_clock::now().time_since_epoch();
  EXPECT_GE(now.time_since_epoch(), before);
  EXPECT_LE(now.time_since_epoch(), after);
}

TEST(RealHost, RngFollowsTheSeed) {
  asio::io_context io_context;
  net::RealHost first(io_context, {.addresses = {}, .seed = 7});
  net::RealHost same(io_context, {.addresses = {}, .seed = 7});
  net::RealHost other(io_context, {.addresses = {}, .seed = 8});
  const std::uint64_t first_draw = first.rng().next();
  EXPECT_EQ(first_draw, same.rng().next());
  EXPECT_NE(first_draw, other.rng().next());
  EXPECT_EQ(first_draw, net::Rng(7).next());
}

}  // namespace
}  // namespace swarmlab::runtime_test
