#timing on
when RULE_INIT {
    # using cookie persistence

    # Notes:
    log local0. "version 2.0"
    # release packet assuming length is 1500 max tcp size
    set static::release_len 1500
    # default limit 1M
    set static::mem_limit 1048576
    # elapse time in ms, 1000ms = 1s
    set static::time_limit 100000
    # cookie name
    set static::cookie_name "bigip"
}
when CLIENT_ACCEPTED {
    log local0. "client connected"
    set state "standard"
    set server_ip_addr ""
    #set server_port ""
    set tcp_collect_total 0
}
when CLIENT_DATA {
    if {$server_ip_addr ne ""} {

        switch $state {
            "buffer" {
                log local0. "buffering"
                set collect_time [expr {[clock clicks -milliseconds] - $start_time}]
                if {$tcp_collect_total > $static::mem_limit} {
                    log local0. "memory limit reached releasing data"
                    TCP::release $static::release_len
                    set tcp_collect_total 0
                }
                if {$collect_time > $static::time_limit} {
                    log local0. "time limit reached releasing data"
                    TCP::release $static::release_len
                    set collect_time 0
                }
                TCP::collect
                set tcplen [TCP::payload length]
                set tcp_collect_total [expr {$tcp_collect_total + $tcplen}]
            }
            "standard" {
                log local0. "standard - releasing buffer"
                TCP::release
                TCP::notify request
            }
            default {
                log local0. "error in status change"
            }
        }
    } else {
        log local0. "no server ip address"
    }
}
when CLIENT_CLOSED {
    log local0. "[IP::client_addr]"
}
when SERVER_CONNECTED {
    log local0. "[IP::server_addr]"
    set server_ip_addr [IP::server_addr]
    set state "standard"
}
when SERVER_DATA {
}
when SERVER_CLOSED {
    log local0. "[IP::server_addr]"
    set state "buffer"
    set start_time [clock clicks -milliseconds]
}
