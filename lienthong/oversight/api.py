from ninja import Router

router = Router(tags=["Thống kê sử dụng"])
