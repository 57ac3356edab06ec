# Live-update cycles across kexec in the QEMU guest (issue 6): one guest
# run each, ~30-60 s under TCG.  include() this from tests/CMakeLists.txt.
# They run this build's lubench.ko and tools. Exit 4 = skip (no QEMU, no
# guest kernel, no lubench.ko for want of kernel headers), with the reason
# as "1..0 # SKIP ..." on stdout.
# Each guest run has its own wall-clock limit (900 s: a loaded 2-core
# host runs a quiet minute's boot ten times slower); ctest's is above the
# sum, so a slow machine never fails a test, a hung one is still stopped.
# Quiet times in seconds, for the order (lubench_guest_test, guest.cmake).
set(_cost_survives 45)
set(_cost_refuses_bad_blob 120)
set(_cost_icount_exact 200)
set(_cost_bridges 55)
foreach(_mode survives refuses_bad_blob icount_exact bridges)
  add_test(NAME cycle_${_mode}
    COMMAND ${CMAKE_CURRENT_LIST_DIR}/cycle_test.sh ${_mode} ${CMAKE_BINARY_DIR})
  set(_limit 1000)
  if(_mode STREQUAL icount_exact)
    set(_limit 1900)	# two guest runs
  endif()
  set_tests_properties(cycle_${_mode} PROPERTIES
    SKIP_RETURN_CODE 4
    TIMEOUT ${_limit})
  if(_mode STREQUAL icount_exact)
    lubench_guest_test(cycle_${_mode} ${_cost_${_mode}} CLOCK icount)
  else()
    lubench_guest_test(cycle_${_mode} ${_cost_${_mode}} CLOCK real)
  endif()
endforeach()

# The report on a recorded run and broken copies of it: no QEMU needed.
add_test(NAME cycle_report_test
  COMMAND sh ${CMAKE_SOURCE_DIR}/tests/cli/cycle_report_test.sh
          $<TARGET_FILE:lubench-cycle-report-san>)
# It keeps what it reads until it exits, on purpose: no leak check.
set_tests_properties(cycle_report_test PROPERTIES TIMEOUT 60
  ENVIRONMENT ASAN_OPTIONS=detect_leaks=0)

# A short soak (3 jumps, a stress between them, a fault): ~2 min under TCG.
add_test(NAME soak_short
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/soak_guest_test.sh ${CMAKE_BINARY_DIR})
set_tests_properties(soak_short PROPERTIES
  SKIP_RETURN_CODE 4
  TIMEOUT 1000)
lubench_guest_test(soak_short 55)
