// The `swarmlab tracker` command: ports printed for port 0, serving, private mode from a file,
// clean stop on SIGTERM, and one clear line for bad input.
#include "net/real_host.hpp"
#include "tests/support/background_process.hpp"
#include "tests/support/run_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tracker/tracker_clients.hpp"
#include "tests/tracker/tracker_test_support.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>

#include <chrono>

namespace swarmlab::tracker {
namespace {

using namespace test;
namespace asio = boost::asio;
namespace http = protocol::tracker_http;
namespace udp = protocol::tracker_udp;
using swarmlab::test::BackgroundProcess;
using swarmlab::test::run_process;
using swarmlab::test::TempDir;

constexpr auto start_timeout = std::chrono::seconds(20);

struct Replies {
  std::optional<HttpReplyText> listed;
  std::optional<HttpReplyText> unlisted;
  std::optional<udp::Response> udp_listed;
};

// Announces, over HTTP, torrent 1 and torrent 2, and over UDP torrent 1, from 127.0.0.2.
Replies ask(std::uint16_t http_port, std::uint16_t udp_port) {
  asio::io_context io_context;
  const net::Address client = asio::ip::make_address("127.0.0.2");
  const net::Address tracker = asio::ip::make_address("127.0.0.1");
  net::RealHost host(io_context, {.addresses = {client}, .seed = 5});
  Replies replies;
  const auto exchange = [&]() -> asio::awaitable<void> {
    auto stream = co_await connect_to(host, {tracker, http_port});
    if (!stream) co_return;
    http::AnnounceRequest request;
    request.info_hash = info_hash(1);
    request.peer_id = peer_id(1);
    request.port = 7001;
    request.compact = true;
    replies.listed =
        co_await http_get(host, *stream, http::build_announce_url("/announce", request));
    request.info_hash = info_hash(2);
    replies.unlisted =
        co_await http_get(host, *stream, http::build_announce_url("/announce", request));
    auto socket = host.open_udp({client, 0});
    if (!socket) co_return;
    UdpTrackerClient udp_client(host, std::move(*socket), {tracker, udp_port});
    udp::AnnounceRequest datagram;
    datagram.info_hash = info_hash(1);
    datagram.peer_id = peer_id(2);
    datagram.port = 7002;
    replies.udp_listed = co_await udp_client.announce(datagram);
  };
  host.spawn(exchange());
  io_context.run_for(std::chrono::seconds(30));
  return replies;
}

std::string failure_of(const std::optional<HttpReplyText>& reply) {
  if (!reply) return "<no reply>";
  const auto response = http::parse_announce_response(
      std::span(reinterpret_cast<const std::uint8_t*>(reply->body.data()), reply->body.size()));
  if (!response) return "<unparsable>";
  return response->failure_reason.value_or("");
}

TEST(TrackerCommand, ServesOnPrintedPortsAndStopsCleanly) {
  const TempDir work;
  swarmlab::test::write_file(work / "allowed",
                             "# private\n" + protocol::to_hex(info_hash(1)) + "\n");
  BackgroundProcess tracker({SWARMLAB_EXECUTABLE, "tracker", "--bind", "127.0.0.1", "--http-port",
                             "0", "--udp-port", "0", "--whitelist", (work / "allowed").string()});
  const auto http_port = tracker.wait_for("http-port: ", start_timeout);
  const auto udp_port = tracker.wait_for("udp-port: ", start_timeout);
  ASSERT_TRUE(http_port && udp_port) << tracker.output() << tracker.errors();
  const Replies replies = ask(static_cast<std::uint16_t>(std::stoi(*http_port)),
                              static_cast<std::uint16_t>(std::stoi(*udp_port)));
  EXPECT_EQ(failure_of(replies.listed), "");
  EXPECT_EQ(failure_of(replies.unlisted), "torrent not registered");
  ASSERT_TRUE(replies.udp_listed);
  ASSERT_TRUE(std::holds_alternative<udp::AnnounceResponse>(*replies.udp_listed));
  const auto& announced = std::get<udp::AnnounceResponse>(*replies.udp_listed);
  ASSERT_EQ(announced.peers.size(), 1u);
  EXPECT_EQ(announced.peers[0].to_string(), "127.0.0.2:7001");
  const int status = tracker.stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status << tracker.errors();
  EXPECT_NE(tracker.output().find("stopped"), std::string::npos);
}

TEST(TrackerCommand, BadWhitelistNamesTheFileAndLine) {
  const TempDir work;
  swarmlab::test::write_file(work / "allowed", protocol::to_hex(info_hash(1)) + "\nnot-a-hash\n");
  const auto result = run_process({SWARMLAB_EXECUTABLE, "tracker", "--bind", "127.0.0.1",
                                   "--whitelist", (work / "allowed").string()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find((work / "allowed").string() + ": line 2: "), std::string::npos)
      << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  const auto missing =
      run_process({SWARMLAB_EXECUTABLE, "tracker", "--whitelist", (work / "absent").string()});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("absent"), std::string::npos) << missing.err;
}

TEST(TrackerCommand, PortInUseAndBadAddressAreReported) {
  BackgroundProcess first({SWARMLAB_EXECUTABLE, "tracker", "--bind", "127.0.0.1", "--http-port",
                           "0", "--udp-port", "0"});
  const auto http_port = first.wait_for("http-port: ", start_timeout);
  ASSERT_TRUE(http_port) << first.errors();
  const auto taken = run_process({SWARMLAB_EXECUTABLE, "tracker", "--bind", "127.0.0.1",
                                  "--http-port", *http_port, "--udp-port", "0"});
  EXPECT_EQ(taken.exit_code, 1);
  EXPECT_NE(taken.err.find("cannot listen"), std::string::npos) << taken.err;
  const auto bad_address = run_process({SWARMLAB_EXECUTABLE, "tracker", "--bind", "not-an-ip"});
  EXPECT_EQ(bad_address.exit_code, 1);
  EXPECT_NE(bad_address.err.find("not-an-ip"), std::string::npos) << bad_address.err;
  const auto bad_interval = run_process({SWARMLAB_EXECUTABLE, "tracker", "--interval", "0"});
  EXPECT_NE(bad_interval.exit_code, 0);
  // Neither protocol: nothing to serve, so no tracker that runs for ever doing nothing.
  const auto nothing =
      run_process({"timeout", "20", SWARMLAB_EXECUTABLE, "tracker", "--no-http", "--no-udp"});
  EXPECT_EQ(nothing.exit_code, 1);
  EXPECT_NE(nothing.err.find("nothing to serve"), std::string::npos) << nothing.err;
}

}  // namespace
}  // namespace swarmlab::tracker
