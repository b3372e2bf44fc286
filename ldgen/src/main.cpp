#include <iostream>

#include "percpu/ldgen.hpp"

int main(int argc, char** argv) { return percpu::ldgen::cli_main(argc, argv, std::cout, std::cerr); }
