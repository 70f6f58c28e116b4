module github.com/bolometer/bench-pods

go 1.19
