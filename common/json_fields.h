#pragma once
// Typed reads of fields of untrusted JSON (guest agent answers, QMP
// messages): a missing field, a non-object or a field of the wrong type
// gives the fallback instead of throwing, as nlohmann::json::value() would.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace livecheck {

inline const nlohmann::json* FieldPtr(const nlohmann::json& j, const std::string& key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

inline bool BoolField(const nlohmann::json& j, const std::string& key, bool fallback) {
  auto* f = FieldPtr(j, key);
  return f && f->is_boolean() ? f->get<bool>() : fallback;
}

inline double NumberField(const nlohmann::json& j, const std::string& key, double fallback) {
  auto* f = FieldPtr(j, key);
  return f && f->is_number() ? f->get<double>() : fallback;
}

inline int64_t IntField(const nlohmann::json& j, const std::string& key, int64_t fallback) {
  auto* f = FieldPtr(j, key);
  return f && f->is_number_integer() ? f->get<int64_t>() : fallback;
}

inline std::string StringField(const nlohmann::json& j, const std::string& key, const std::string& fallback = "") {
  auto* f = FieldPtr(j, key);
  return f && f->is_string() ? f->get<std::string>() : fallback;
}

inline nlohmann::json ObjectField(const nlohmann::json& j, const std::string& key) {
  auto* f = FieldPtr(j, key);
  return f && f->is_object() ? *f : nlohmann::json::object();
}

inline nlohmann::json ArrayField(const nlohmann::json& j, const std::string& key) {
  auto* f = FieldPtr(j, key);
  return f && f->is_array() ? *f : nlohmann::json::array();
}

}  // namespace livecheck
