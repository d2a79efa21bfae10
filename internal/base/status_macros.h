// Early-return helpers for absl::Status / absl::StatusOr (abseil 20220623 ships none).
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define BASE_STATUS_CONCAT_INNER(a, b) a##b
#define BASE_STATUS_CONCAT(a, b) BASE_STATUS_CONCAT_INNER(a, b)

// RETURN_IF_ERROR(expr): evaluates an absl::Status expression and returns it from the enclosing
// function when it is not OK.
#define RETURN_IF_ERROR(expr)                    \
  do {                                           \
    ::absl::Status base_status_ = (expr);        \
    if (!base_status_.ok()) return base_status_; \
  } while (0)

// ASSIGN_OR_RETURN(lhs, expr): evaluates an absl::StatusOr<T> expression; on error returns its
// status, otherwise moves the value into `lhs` (which may be a declaration).
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(BASE_STATUS_CONCAT(base_statusor_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()
