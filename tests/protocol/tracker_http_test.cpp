#include "protocol/tracker_http.hpp"
#include "protocol/bencode.hpp"

#include <gtest/gtest.h>

#include <string>

namespace swarmlab::protocol::tracker_http {
namespace {

using namespace std::string_literals;

std::span<const std::uint8_t> bytes(std::string_view text) {
  return std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

InfoHash abc_hash() {
  return sha1(std::string_view("abc"));
}

PeerId sample_peer_id() {
  const std::string_view text = "-SL0001-abcdefghijkl";
  PeerId id{};
  std::copy(text.begin(), text.end(), id.begin());
  return id;
}

AnnounceRequest sample_request() {
  AnnounceRequest request;
  request.info_hash = abc_hash();
  request.peer_id = sample_peer_id();
  request.port = 6881;
  request.uploaded_bytes = 10;
  request.downloaded_bytes = 20;
  request.left_bytes = 30;
  request.event = Event::started;
  request.compact = true;
  request.numwant = 50;
  request.key = "1a2b3c4d";
  request.tracker_id = "t r";
  return request;
}

template <class Result>
void expect_error(const Result& result, std::error_code code, std::size_t offset) {
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, code) << result.error().describe();
  EXPECT_EQ(result.error().offset, offset) << result.error().describe();
}

void expect_response_error(std::string_view body, TrackerHttpError code, std::size_t offset) {
  expect_error(parse_announce_response(bytes(body)), make_error_code(code), offset);
}

void expect_query_error(std::string_view query, TrackerHttpError code, std::size_t offset) {
  expect_error(parse_announce_query(query), make_error_code(code), offset);
}

// A complete, valid query up to (and without) the parameter a test appends or replaces.
const std::string base_query =
    "info_hash=%A9%99%3E6G%06%81j%BA%3E%25qxP%C2l%9C%D0%D8%9D&peer_id=-SL0001-abcdefghijkl"
    "&uploaded=0&downloaded=0&left=0";

TEST(TrackerHttpClient, BuildsTheAnnounceUrl) {
  EXPECT_EQ(build_announce_url("http://t.example/announce", sample_request()),
            "http://t.example/announce?info_hash=%A9%99%3E6G%06%81j%BA%3E%25qxP%C2l%9C%D0%D8%9D"
            "&peer_id=-SL0001-abcdefghijkl&port=6881&uploaded=10&downloaded=20&left=30&compact=1"
            "&event=started&numwant=50&key=1a2b3c4d&trackerid=t%20r");
}

TEST(TrackerHttpClient, KeepsAnExistingQuery) {
  AnnounceRequest request = sample_request();
  request.event = Event::none;
  request.numwant.reset();
  request.key.reset();
  request.tracker_id.reset();
  request.compact = false;
  request.no_peer_id = true;
  request.ip = "10.0.0.1";
  const std::string url = build_announce_url("http://t.example/a.php?passkey=x%20y", request);
  EXPECT_EQ(url.substr(0, 48), "http://t.example/a.php?passkey=x%20y&info_hash=%");
  EXPECT_NE(url.find("&compact=0&no_peer_id=1&ip=10.0.0.1"), std::string::npos);
  EXPECT_EQ(url.find("event"), std::string::npos);
  EXPECT_EQ(build_announce_url("http://t.example/a?", request).substr(0, 29),
            "http://t.example/a?info_hash=");
}

TEST(TrackerHttpClient, ParsesCompactResponse) {
  const std::string body =
      "d8:completei5e10:incompletei3e8:intervali1800e12:min intervali900e"
      "5:peers12:\x0a\x00\x00\x01\x1a\xe1\x7f\x00\x00\x01\x00\x50"s +
      "6:peers618:\x20\x01\x0d\xb8" + std::string(11, '\0') + "\x01\x00\x07"s +
      "10:tracker id3:xyz15:warning message4:warne";
  const auto response = parse_announce_response(bytes(body));
  ASSERT_TRUE(response) << response.error().describe();
  EXPECT_FALSE(response->failure_reason);
  EXPECT_EQ(response->interval_seconds, 1800u);
  EXPECT_EQ(response->min_interval_seconds, 900u);
  EXPECT_EQ(response->complete, 5u);
  EXPECT_EQ(response->incomplete, 3u);
  EXPECT_EQ(response->tracker_id, "xyz");
  EXPECT_EQ(response->warning_message, "warn");
  ASSERT_EQ(response->peers.size(), 3u);
  EXPECT_EQ(response->peers[0].address.to_string(), "10.0.0.1:6881");
  EXPECT_EQ(response->peers[1].address.to_string(), "127.0.0.1:80");
  EXPECT_EQ(response->peers[2].address.to_string(), "[2001:db8::1]:7");
  EXPECT_EQ(encode_announce_response(*response, PeerListFormat::compact), body);
}

TEST(TrackerHttpClient, ParsesFailure) {
  const auto response = parse_announce_response(bytes("d14:failure reason9:not founde"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->failure_reason, "not found");
  EXPECT_EQ(encode_failure("not found"), "d14:failure reason9:not founde");
}

TEST(TrackerHttpClient, ParsesDictionaryPeers) {
  const std::string body =
      "d8:intervali60e5:peersld2:ip8:10.0.0.17:peer id20:-SL0001-abcdefghijkl4:porti1ee"
      "d2:ip3:::14:porti2ee"
      "d2:ip16:peer.example.org4:porti3eeee";
  const auto response = parse_announce_response(bytes(body));
  ASSERT_TRUE(response) << response.error().describe();
  ASSERT_EQ(response->peers.size(), 2u);
  EXPECT_EQ(response->peers[0].address.to_string(), "10.0.0.1:1");
  EXPECT_EQ(response->peers[0].peer_id, sample_peer_id());
  EXPECT_EQ(response->peers[1].address.to_string(), "[::1]:2");
  EXPECT_FALSE(response->peers[1].peer_id);
  EXPECT_EQ(response->peer_hostnames, std::vector<std::string>{"peer.example.org:3"});
}

TEST(TrackerHttpClient, ScrapeUrlFollowsBep48) {
  EXPECT_EQ(scrape_url("http://example.com/announce"), "http://example.com/scrape");
  EXPECT_EQ(scrape_url("http://example.com/x/announce"), "http://example.com/x/scrape");
  EXPECT_EQ(scrape_url("http://example.com/announce.php"), "http://example.com/scrape.php");
  EXPECT_EQ(scrape_url("http://example.com/announce?x2%0644"), "http://example.com/scrape?x2%0644");
  EXPECT_EQ(scrape_url("http://example.com/announce?p=a/b"), "http://example.com/scrape?p=a/b");
  EXPECT_EQ(scrape_url("http://example.com/a"), std::nullopt);
  EXPECT_EQ(scrape_url("http://example.com/a?announce"), std::nullopt);
  EXPECT_EQ(scrape_url("http://example.com/x%064announce"), std::nullopt);
  EXPECT_EQ(scrape_url("http://example.com/announce/x"), std::nullopt);
  EXPECT_EQ(scrape_url("http://example.com"), std::nullopt);
}

TEST(TrackerHttpClient, ScrapeRequestAndBep48Response) {
  const std::vector<InfoHash> hashes{abc_hash(), abc_hash()};
  EXPECT_EQ(build_scrape_url("http://t/scrape", std::span(hashes).first(1)),
            "http://t/scrape?info_hash=%A9%99%3E6G%06%81j%BA%3E%25qxP%C2l%9C%D0%D8%9D");
  const std::string x(20, 'x');
  const std::string y(20, 'y');
  const std::string body = "d5:filesd20:" + x +
                           "d8:completei11e10:downloadedi13772e10:incompletei19ee20:" + y +
                           "d8:completei21e10:downloadedi206e10:incompletei20eeee";
  const auto response = parse_scrape_response(bytes(body));
  ASSERT_TRUE(response) << response.error().describe();
  ASSERT_EQ(response->files.size(), 2u);
  EXPECT_EQ(response->files[0].first[0], 'x');
  EXPECT_EQ(response->files[0].second,
            (ScrapeStats{.complete = 11, .downloaded = 13772, .incomplete = 19}));
  EXPECT_EQ(response->files[1].second,
            (ScrapeStats{.complete = 21, .downloaded = 206, .incomplete = 20}));
  EXPECT_EQ(encode_scrape_response(*response), body);
}

TEST(TrackerHttpServer, ParsesWhatTheClientBuilds) {
  const std::string url = build_announce_url("http://t.example/announce", sample_request());
  const std::string target = url.substr(url.find("/announce"));
  const auto [path, query] = split_target(target);
  EXPECT_EQ(path, "/announce");
  const auto request = parse_announce_query(query);
  ASSERT_TRUE(request) << request.error().describe();
  EXPECT_EQ(*request, sample_request());
}

// RFC 9112: a server must accept a request target in absolute form (as proxies send it).
TEST(TrackerHttpServer, AcceptsTheAbsoluteFormOfTheTarget) {
  const std::string url = build_announce_url("http://t.example:6969/announce", sample_request());
  const auto [path, query] = split_target(url);
  EXPECT_EQ(path, "/announce");
  const auto request = parse_announce_query(query);
  ASSERT_TRUE(request) << request.error().describe();
  EXPECT_EQ(*request, sample_request());
  EXPECT_EQ(split_target("http://t.example/scrape").first, "/scrape");
  EXPECT_EQ(split_target("http://t.example").first, "/");
}

TEST(TrackerHttpServer, ParsesAMinimalAnnounceAndIgnoresExtras) {
  const auto request = parse_announce_query(base_query + "&port=1&supportcrypto=1&event=");
  ASSERT_TRUE(request) << request.error().describe();
  EXPECT_EQ(request->info_hash, abc_hash());
  EXPECT_EQ(request->port, 1);
  EXPECT_FALSE(request->compact);
  EXPECT_EQ(request->event, Event::none);
  EXPECT_FALSE(request->numwant);
}

TEST(TrackerHttpServer, ParsesScrapeQueries) {
  const auto two = parse_scrape_query("info_hash=" + std::string(20, 'a') +
                                      "&info_hash=" + std::string(20, 'b'));
  ASSERT_TRUE(two) << two.error().describe();
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[1][19], 'b');
  const auto all = parse_scrape_query("");
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->empty());
}

TEST(TrackerHttpServer, EncodesDictionaryPeersWithAndWithoutIds) {
  AnnounceResponse response;
  response.interval_seconds = 60;
  response.peers = {
      TrackerPeer{.address = *PeerAddress::parse("10.0.0.1:1"), .peer_id = sample_peer_id()},
      TrackerPeer{.address = *PeerAddress::parse("[::1]:2"), .peer_id = std::nullopt}};
  const std::string with_ids = encode_announce_response(response, PeerListFormat::dictionary);
  EXPECT_EQ(with_ids,
            "d8:intervali60e5:peersld2:ip8:10.0.0.17:peer id20:-SL0001-abcdefghijkl4:porti1ee"
            "d2:ip3:::14:porti2eeee");
  EXPECT_EQ(parse_announce_response(bytes(with_ids)).value(), response);
  EXPECT_EQ(encode_announce_response(response, PeerListFormat::dictionary_without_peer_id),
            "d8:intervali60e5:peersld2:ip8:10.0.0.14:porti1eed2:ip3:::14:porti2eeee");
}

TEST(TrackerHttpServer, EncodesCompactWithoutPeers6WhenNoIpv6) {
  AnnounceResponse response;
  response.interval_seconds = 5;
  response.peers = {TrackerPeer{.address = *PeerAddress::parse("1.2.3.4:258"), .peer_id = {}}};
  EXPECT_EQ(encode_announce_response(response, PeerListFormat::compact),
            "d8:intervali5e5:peers6:\x01\x02\x03\x04\x01\x02"
            "e");
}

TEST(TrackerHttpResponseNegative, NotADictionary) {
  expect_response_error("le", TrackerHttpError::not_a_dictionary, 0);
}

TEST(TrackerHttpResponseNegative, MalformedBencode) {
  expect_error(parse_announce_response(bytes("d8:intervali01ee")),
               bencode::make_error_code(bencode::Error::leading_zero), 12);
}

// Hand-written trackers send keys out of order; the reply is read all the same.
TEST(TrackerHttpClient, KeysOutOfOrderAreRead) {
  const auto response = parse_announce_response(bytes("d8:intervali12e8:completei1e5:peers0:e"));
  ASSERT_TRUE(response) << response.error().describe();
  EXPECT_EQ(response->interval_seconds, 12u);
  EXPECT_EQ(response->complete, 1u);
}

// Trackers that leave the interval out exist; the client then uses its default.
TEST(TrackerHttpClient, MissingIntervalIsZero) {
  const auto response = parse_announce_response(bytes("d5:peers0:e"));
  ASSERT_TRUE(response) << response.error().describe();
  EXPECT_EQ(response->interval_seconds, 0u);
  EXPECT_TRUE(response->peers.empty());
}

TEST(TrackerHttpResponseNegative, NegativeInterval) {
  expect_response_error("d8:intervali-1ee", TrackerHttpError::value_out_of_range, 11);
}

TEST(TrackerHttpResponseNegative, IntervalNotAnInteger) {
  expect_response_error("d8:interval2:60e", TrackerHttpError::wrong_type, 11);
}

TEST(TrackerHttpResponseNegative, NegativeComplete) {
  expect_response_error("d8:completei-5e8:intervali1ee", TrackerHttpError::value_out_of_range, 11);
}

TEST(TrackerHttpResponseNegative, FailureReasonNotAString) {
  expect_response_error("d14:failure reasoni1ee", TrackerHttpError::wrong_type, 18);
}

TEST(TrackerHttpResponseNegative, CompactPeersPartialEntry) {
  expect_response_error("d8:intervali1e5:peers5:abcdee", TrackerHttpError::peer_list_misaligned,
                        21);
}

TEST(TrackerHttpResponseNegative, Peers6PartialEntry) {
  expect_response_error("d8:intervali1e6:peers66:abcdefe", TrackerHttpError::peer_list_misaligned,
                        22);
}

TEST(TrackerHttpResponseNegative, PeersAnInteger) {
  expect_response_error("d8:intervali1e5:peersi1ee", TrackerHttpError::wrong_type, 21);
}

TEST(TrackerHttpResponseNegative, DictionaryPeerNotADictionary) {
  expect_response_error("d8:intervali1e5:peersli1eee", TrackerHttpError::wrong_type, 22);
}

TEST(TrackerHttpResponseNegative, DictionaryPeerWithoutPort) {
  expect_response_error("d8:intervali1e5:peersld2:ip3:::1eee", TrackerHttpError::missing_field, 22);
}

TEST(TrackerHttpResponseNegative, DictionaryPeerPortTooLarge) {
  expect_response_error("d8:intervali1e5:peersld2:ip3:::14:porti65536eeee",
                        TrackerHttpError::value_out_of_range, 38);
}

TEST(TrackerHttpResponseNegative, DictionaryPeerBadIp) {
  expect_response_error("d8:intervali1e5:peersld2:ip4:a b!4:porti1eeee",
                        TrackerHttpError::bad_peer_ip, 27);
}

TEST(TrackerHttpResponseNegative, DictionaryPeerShortPeerId) {
  expect_response_error("d8:intervali1e5:peersld2:ip3:::17:peer id3:abc4:porti1eeee",
                        TrackerHttpError::bad_peer_id_size, 41);
}

TEST(TrackerHttpResponseNegative, TooManyCompactPeers) {
  const std::size_t size = 6 * (peer_count_max + 1);
  const std::string body =
      "d8:intervali1e5:peers" + std::to_string(size) + ":" + std::string(size, 'p') + "e";
  expect_response_error(body, TrackerHttpError::too_many_peers, 21);
}

TEST(TrackerHttpResponseNegative, BodyTooLarge) {
  const std::string body(response_size_max + 1, 'x');
  expect_response_error(body, TrackerHttpError::response_too_large, response_size_max);
}

TEST(TrackerHttpResponseNegative, ScrapeWithoutFiles) {
  expect_error(parse_scrape_response(bytes("de")), make_error_code(TrackerHttpError::missing_field),
               0);
}

TEST(TrackerHttpResponseNegative, ScrapeKeyNotAnInfoHash) {
  expect_error(parse_scrape_response(bytes("d5:filesd3:abcdeee")),
               make_error_code(TrackerHttpError::bad_info_hash_size), 9);
}

TEST(TrackerHttpQueryNegative, ParameterWithoutValue) {
  expect_query_error(base_query + "&compact", TrackerHttpError::parameter_without_value,
                     base_query.size() + 1);
}

TEST(TrackerHttpQueryNegative, TruncatedPercentEscape) {
  expect_query_error("port=1&key=ab%4", TrackerHttpError::bad_percent_escape, 13);
}

TEST(TrackerHttpQueryNegative, NonHexPercentEscape) {
  expect_query_error("info_hash=%zz", TrackerHttpError::bad_percent_escape, 10);
}

TEST(TrackerHttpQueryNegative, MissingPort) {
  expect_query_error(base_query, TrackerHttpError::missing_parameter, base_query.size());
}

TEST(TrackerHttpQueryNegative, InfoHashOfNineteenBytes) {
  expect_query_error("info_hash=" + std::string(19, 'a'), TrackerHttpError::bad_info_hash_size, 10);
}

TEST(TrackerHttpQueryNegative, InfoHashOfTwentyOneBytes) {
  expect_query_error("info_hash=" + std::string(20, 'a') + "%00",
                     TrackerHttpError::bad_info_hash_size, 10);
}

TEST(TrackerHttpQueryNegative, PeerIdOfWrongSize) {
  expect_query_error("peer_id=abc", TrackerHttpError::bad_peer_id_size, 8);
}

TEST(TrackerHttpQueryNegative, DuplicatePort) {
  expect_query_error("port=1&port=2", TrackerHttpError::duplicate_parameter, 7);
}

TEST(TrackerHttpQueryNegative, PortAbove65535) {
  expect_query_error("port=65536", TrackerHttpError::bad_number, 5);
}

TEST(TrackerHttpQueryNegative, NegativeLeft) {
  expect_query_error("left=-1", TrackerHttpError::bad_number, 5);
}

TEST(TrackerHttpQueryNegative, UploadedAbove64Bits) {
  expect_query_error("uploaded=18446744073709551616", TrackerHttpError::bad_number, 9);
}

TEST(TrackerHttpQueryNegative, EmptyNumber) {
  expect_query_error("downloaded=", TrackerHttpError::bad_number, 11);
}

TEST(TrackerHttpQueryNegative, UnknownEvent) {
  expect_query_error("event=finished", TrackerHttpError::bad_event, 6);
}

TEST(TrackerHttpQueryNegative, CompactNotZeroOrOne) {
  expect_query_error("compact=2", TrackerHttpError::bad_number, 8);
}

// What clients send is read as opentracker reads it: capped, negative for the default.
TEST(TrackerHttpQuery, NumwantIsCappedAndANegativeOneMeansTheDefault) {
  const auto numwant_of = [](const std::string& value) {
    const auto request = parse_announce_query(base_query + "&port=1&numwant=" + value);
    EXPECT_TRUE(request) << value;
    return request ? request->numwant : std::optional<std::uint32_t>(7);
  };
  EXPECT_EQ(numwant_of("10001"), numwant_max);
  EXPECT_EQ(numwant_of("99999999999999999999999"), numwant_max);
  EXPECT_EQ(numwant_of("-1"), std::nullopt);
  EXPECT_EQ(numwant_of("30"), 30u);
}

TEST(TrackerHttpQueryNegative, NumwantNotANumber) {
  expect_query_error("numwant=lots", TrackerHttpError::bad_number, 8);
  expect_query_error("numwant=-", TrackerHttpError::bad_number, 8);
}

TEST(TrackerHttpQueryNegative, KeyTooLong) {
  expect_query_error("key=" + std::string(text_size_max + 1, 'k'), TrackerHttpError::value_too_long,
                     4);
}

TEST(TrackerHttpQueryNegative, TooManyParameters) {
  std::string query;
  for (std::size_t index = 0; index <= query_parameter_count_max; ++index)
    query += "a=1&";
  expect_query_error(query, TrackerHttpError::too_many_parameters, 4 * query_parameter_count_max);
}

TEST(TrackerHttpQueryNegative, QueryTooLong) {
  expect_query_error(std::string(query_size_max + 1, 'a'), TrackerHttpError::query_too_long,
                     query_size_max);
}

TEST(TrackerHttpQueryNegative, ScrapeOfTooManyTorrents) {
  std::string query;
  for (std::size_t index = 0; index <= scrape_info_hash_count_max; ++index) {
    query += "info_hash=" + std::string(20, 'h') + "&";
  }
  expect_error(parse_scrape_query(query), make_error_code(TrackerHttpError::too_many_info_hashes),
               31 * scrape_info_hash_count_max + 10);
}

TEST(TrackerHttpQueryNegative, ScrapeInfoHashWrongSize) {
  expect_error(parse_scrape_query("info_hash=abc"),
               make_error_code(TrackerHttpError::bad_info_hash_size), 10);
}

}  // namespace
}  // namespace swarmlab::protocol::tracker_http
