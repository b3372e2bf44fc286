# Warnings are on for every target the project builds; both g++ and clang++ must stay quiet.
function(percpu_enable_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -Wnon-virtual-dtor
                                            -Wcast-align -Wunused -Wpedantic)
endfunction()
