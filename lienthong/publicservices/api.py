from ninja import Router

router = Router(tags=["Dịch vụ công trực tuyến"])
