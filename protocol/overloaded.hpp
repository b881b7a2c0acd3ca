// Overloaded{lambda...}: one visitor for std::visit built from several lambdas.
#pragma once

namespace swarmlab::protocol {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
// Spelled out for compilers without aggregate class template argument deduction (clang 14).
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace swarmlab::protocol
