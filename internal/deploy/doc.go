// Package deploy holds no code: its tests check the container files at the
// repository root (Dockerfile, docker-compose.yml) against the real
// programs, since no container engine runs where the tests do. They build
// the binaries as the Dockerfile does, run them with exactly the arguments
// the compose file gives, and check that ports, volumes and the healthcheck
// line up.
package deploy
