#pragma once
// The current thread's instance of T, for the length of a scope: how a build hands its caches
// (shaped and composed paragraphs, parsed sources and YAML, page streams) to the code deep in a
// stage without passing them through every call.

namespace paiban {

/// Makes VALUE the current thread's T while the scope lives; the one before comes back after.
template <typename T>
class CurrentScope {
 public:
  explicit CurrentScope(T* value) : previous_(slot()) { slot() = value; }
  ~CurrentScope() { slot() = previous_; }
  CurrentScope(const CurrentScope&) = delete;
  CurrentScope& operator=(const CurrentScope&) = delete;

  /// The current thread's T, or null.
  static T* current() { return slot(); }

 private:
  static T*& slot() {
    thread_local T* value = nullptr;
    return value;
  }
  T* previous_;
};

}  // namespace paiban
