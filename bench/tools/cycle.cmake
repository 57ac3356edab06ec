# lubench-cycle-report: the result files and the table of `lubench cycle`
# (scripts/host/cycle.sh), from one guest run.  include() this from
# bench/CMakeLists.txt after lubench_results is defined.
add_executable(lubench-cycle-report ${CMAKE_CURRENT_LIST_DIR}/cycle_report.c)
target_link_libraries(lubench-cycle-report PRIVATE lubench_jsonl lubench_topology m)
