# The /dev/lubench user space and the tests that run inside the QEMU
# guest.  include() this from tests/CMakeLists.txt after the kselftest
# headers are set up (it uses KSFT_INC and kselftest_headers).
#
# Both programs are linked statically: the guest has no libraries.  Here
# they are built for warnings and for use by hand; scripts/guest-tests.sh
# builds its own copies with the module, so the ctest entry below works
# on its own.
find_library(LUBENCH_URING_STATIC NAMES liburing.a
  DOC "liburing's static archive (Debian: liburing-dev)")
if(NOT LUBENCH_URING_STATIC)
  message(FATAL_ERROR "liburing.a not found: install liburing-dev (scripts/setup.sh)")
endif()

add_executable(lubench-dev ${CMAKE_SOURCE_DIR}/bench/lubench_dev.c)
target_include_directories(lubench-dev PRIVATE
  ${CMAKE_SOURCE_DIR}/kmod ${CMAKE_SOURCE_DIR}/bench)
target_link_libraries(lubench-dev PRIVATE ${LUBENCH_URING_STATIC})
target_link_options(lubench-dev PRIVATE -static)

add_executable(guest_dev_test
  ${CMAKE_CURRENT_LIST_DIR}/guest_dev_test.c
  ${CMAKE_SOURCE_DIR}/bench/lubench_dev.c)
add_dependencies(guest_dev_test kselftest_headers)
target_compile_definitions(guest_dev_test PRIVATE LUBENCH_DEV_NO_MAIN)
target_include_directories(guest_dev_test PRIVATE
  ${KSFT_INC} ${CMAKE_SOURCE_DIR}/kmod ${CMAKE_SOURCE_DIR}/bench)
target_link_libraries(guest_dev_test PRIVATE ${LUBENCH_URING_STATIC})
target_link_options(guest_dev_test PRIVATE -static)
# The harness header itself trips these two.
target_compile_options(guest_dev_test PRIVATE
  -Wno-unused-parameter -Wno-clobbered)

# One guest boot: builds lubench.ko and the static binaries, runs
# guest_dev_test in QEMU, prints its KTAP.  Exit 4 = skip (no QEMU, no
# guest kernel, or every test skipped), with the reason on stdout.
add_test(NAME guest_dev
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/guest-tests.sh ${CMAKE_BINARY_DIR})
set_tests_properties(guest_dev PROPERTIES
  SKIP_RETURN_CODE 4
  TIMEOUT 600
  RUN_SERIAL TRUE)
