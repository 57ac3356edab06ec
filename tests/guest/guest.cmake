# The tests that run inside the QEMU guest.  include() this from
# tests/CMakeLists.txt after the kselftest headers are set up (it uses
# KSFT_INC and kselftest_headers).
#
# guest_dev_test and guest_fuzz are linked statically (the guest has no
# libraries), like lubench-dev (bench/CMakeLists.txt);
# scripts/host/guest-tests.sh and guest-fuzz.sh boot the guest with them,
# lubench-dev and lubench.ko from this build.
add_executable(guest_dev_test
  ${CMAKE_CURRENT_LIST_DIR}/guest_dev_test.c
  ${CMAKE_SOURCE_DIR}/bench/lib/lubench_dev.c)
add_dependencies(guest_dev_test kselftest_headers)
target_include_directories(guest_dev_test PRIVATE
  ${KSFT_INC} ${CMAKE_SOURCE_DIR}/kmod ${CMAKE_SOURCE_DIR}/kmod/pci_ser ${PCI_SER_GEN_DIR}
  ${CMAKE_SOURCE_DIR}/bench/lib)
target_link_libraries(guest_dev_test PRIVATE ${LUBENCH_URING_STATIC})
target_link_options(guest_dev_test PRIVATE -static)
# The harness header itself trips these two.
target_compile_options(guest_dev_test PRIVATE
  -Wno-unused-parameter -Wno-clobbered)

# guest/NAME for each NAME: its line in the KTAP file a guest boot (the
# test that sets up FIXTURE) leaves, read by ktap_result.sh.
function(lubench_ktap_entries ktap fixture)
  foreach(_n ${ARGN})
    add_test(NAME guest/${_n}
      COMMAND sh ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/ktap_result.sh ${ktap} ${_n})
    set_tests_properties(guest/${_n} PROPERTIES
      FIXTURES_REQUIRED ${fixture} SKIP_RETURN_CODE 4 TIMEOUT 30)
  endforeach()
endfunction()

# A test that boots the QEMU guest.  The real-clock guests (two vCPUs
# under multi-threaded TCG) run one at a time (RESOURCE_LOCK qemu); an
# icount guest (CLOCK icount: one vCPU, one host thread) takes a lock of
# its own, qemu_icount, so it runs beside them.  None of them needs the
# whole machine (nothing asserts a wall-clock figure), and every guest
# run's limits are minutes above its quiet time (the boots' wall-clock
# limits 900 s), so a neighbour that slows a guest two or three times
# fails nothing; icount guests count instructions and are exact whatever
# the load.  The guests take most of the suite's time, one after another
# they were its critical path (755 s of a 755 s ctest at 806089b, the
# other slot idle for its last 300 s), so one should always be running:
# ctest starts the tests others need first (guest_dev and guest_fuzz set
# up the guest/* fixtures), then the costliest test a slot can take, and
# a guest's COST is 1000 plus its quiet time in seconds, above every
# other test's (the long ones have their quiet times), so a freed slot
# goes to the next guest and the long builds start beside them.
function(lubench_guest_test name quiet_s)
  cmake_parse_arguments(PARSE_ARGV 2 _g "" CLOCK "")
  math(EXPR _cost "1000 + ${quiet_s}")
  set(_lock qemu)
  if(_g_CLOCK STREQUAL icount)
    set(_lock qemu_icount)
  elseif(DEFINED _g_CLOCK AND NOT _g_CLOCK STREQUAL real)
    message(FATAL_ERROR "lubench_guest_test(${name}): CLOCK real or icount, not ${_g_CLOCK}")
  endif()
  set_tests_properties(${name} PROPERTIES RESOURCE_LOCK ${_lock} COST ${_cost})
endfunction()

# One guest boot: runs guest_dev_test in QEMU with this build's
# lubench.ko, prints its KTAP.  Exit 4 = skip (no QEMU, no guest kernel,
# no lubench.ko for want of kernel headers, or every test skipped), with
# the reason on stdout.  The boot's own limit is 900 s.
add_test(NAME guest_dev
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/host/guest-tests.sh ${CMAKE_BINARY_DIR})
set_tests_properties(guest_dev PROPERTIES
  SKIP_RETURN_CODE 4
  TIMEOUT 1000)
lubench_guest_test(guest_dev 130)

# Each test of the guest run counted by ctest on its own: read from the
# KTAP the run above leaves in ${CMAKE_BINARY_DIR}/guest-tests/ktap.txt.
# The names are the harness's: fixture[.variant].test, global.test for
# TEST(); variants of a fixture are the layouts, by C identifier
# (PCI_SER_LAYOUT_IDS: kho-blocks is kho_blocks).
set_tests_properties(guest_dev PROPERTIES FIXTURES_SETUP guest_ktap)
set(_lb_variants ${PCI_SER_LAYOUT_IDS})
file(STRINGS ${CMAKE_CURRENT_LIST_DIR}/guest_dev_test.c _lb_src)
set(_lb_guest_tests "")
foreach(_l ${_lb_src})
  if(_l MATCHES "^FIXTURE_VARIANT\\(([a-z0-9_]+)\\)")
    list(APPEND _lb_varfix ${CMAKE_MATCH_1})
  elseif(_l MATCHES "^TEST\\(([a-z0-9_]+)\\)")
    list(APPEND _lb_guest_tests "global.${CMAKE_MATCH_1}")
  elseif(_l MATCHES "^TEST_F(_TIMEOUT)?\\(([a-z0-9_]+), *([a-z0-9_]+)")
    list(APPEND _lb_guest_tests "${CMAKE_MATCH_2}:${CMAKE_MATCH_3}")
  endif()
endforeach()
foreach(_t ${_lb_guest_tests})
  if(_t MATCHES "^([a-z0-9_]+):([a-z0-9_]+)$")
    set(_fix ${CMAKE_MATCH_1})
    set(_name ${CMAKE_MATCH_2})
    if(_fix IN_LIST _lb_varfix)
      set(_names "")
      foreach(_v ${_lb_variants})
        list(APPEND _names "${_fix}.${_v}.${_name}")
      endforeach()
    else()
      set(_names "${_fix}.${_name}")
    endif()
  else()
    set(_names ${_t})
  endif()
  lubench_ktap_entries(${CMAKE_BINARY_DIR}/guest-tests/ktap.txt guest_ktap
    ${_names})
endforeach()

# --- guest_fuzz: lubench.ko under random ioctls and uring_cmds ----------
#
# Static like guest_dev_test; it needs no kselftest header.
add_executable(guest_fuzz
  ${CMAKE_CURRENT_LIST_DIR}/guest_fuzz.c
  ${CMAKE_SOURCE_DIR}/bench/lib/lubench_dev.c)
target_include_directories(guest_fuzz PRIVATE
  ${CMAKE_SOURCE_DIR}/kmod ${CMAKE_SOURCE_DIR}/bench/lib)
target_compile_options(guest_fuzz PRIVATE -pthread)
target_link_libraries(guest_fuzz PRIVATE ${LUBENCH_URING_STATIC})
target_link_options(guest_fuzz PRIVATE -static -pthread)

# One guest boot (scripts/host/guest-fuzz.sh): LUBENCH_FUZZ_S seconds
# (default 20) at each size below, the module reloaded between.  ctest's
# TIMEOUT is sized for the LUBENCH_FUZZ_S of the environment at configure
# time, as guest-fuzz.sh sizes its boot: 300 s, and 150 s per size on top
# of the fuzzing.  A longer LUBENCH_FUZZ_S at ctest time is refused at
# once with the way out, never killed half-way.
set(_gf_sizes 256 4096)
set(_gf_s 20)
if(DEFINED ENV{LUBENCH_FUZZ_S})
  set(_gf_s $ENV{LUBENCH_FUZZ_S})
  if(NOT _gf_s MATCHES "^[1-9][0-9]?[0-9]?[0-9]?[0-9]?$" OR _gf_s GREATER 86400)
    message(FATAL_ERROR "LUBENCH_FUZZ_S=${_gf_s}: want whole seconds, 1 to 86400")
  endif()
endif()
list(LENGTH _gf_sizes _gf_n)
math(EXPR _gf_need "300 + ${_gf_n} * (${_gf_s} + 150)")
math(EXPR _gf_timeout "${_gf_need} + 60")
string(REPLACE ";" "," _gf_arg "${_gf_sizes}")
add_test(NAME guest_fuzz
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/host/guest-fuzz.sh --devices ${_gf_arg}
          --timeout ${_gf_need} ${CMAKE_BINARY_DIR})
set_tests_properties(guest_fuzz PROPERTIES
  SKIP_RETURN_CODE 4
  TIMEOUT ${_gf_timeout}
  FIXTURES_SETUP guest_fuzz_ktap)
lubench_guest_test(guest_fuzz 60)

# Each of its KTAP lines on its own (guest_fuzz.c names them), read from
# ${CMAKE_BINARY_DIR}/guest-fuzz/ktap.txt.
set(_gf_names "")
foreach(_n ${_gf_sizes})
  foreach(_t progress verdicts model unload_reload)
    list(APPEND _gf_names fuzz.${_n}.${_t})
  endforeach()
endforeach()
list(APPEND _gf_names fuzz.dmesg_clean fuzz.dmesg_check)
lubench_ktap_entries(${CMAKE_BINARY_DIR}/guest-fuzz/ktap.txt guest_fuzz_ktap
  ${_gf_names})
